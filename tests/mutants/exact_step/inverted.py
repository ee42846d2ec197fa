"""alpha = g'Ag / g'g, upside down."""

def exact_step(A, x):
    g = A @ x
    alpha = (g @ A @ g) / (g @ g)
    return x - alpha * g
