"""Updates x in place (x -= ...), changing the caller's array."""
# diagnosis: modified its argument `x` in place
# mistake: exact_step/in-place

def exact_step(A, x):
    g = A @ x
    alpha = (g @ g) / (g @ A @ g)
    x -= alpha * g
    return x
