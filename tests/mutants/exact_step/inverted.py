"""alpha = g'Ag / g'g, upside down."""
# diagnosis: α* is inverted
# mistake: exact_step/inverted

def exact_step(A, x):
    g = A @ x
    alpha = (g @ A @ g) / (g @ g)
    return x - alpha * g
