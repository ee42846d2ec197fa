"""The denominator uses x'Ax instead of g'Ag."""
# diagnosis: the denominator of α* uses x
# mistake: exact_step/x-in-denominator

def exact_step(A, x):
    g = A @ x
    alpha = (g @ g) / (x @ A @ x)
    return x - alpha * g
