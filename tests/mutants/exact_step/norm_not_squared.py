"""The numerator is the norm of g, not its square."""
# diagnosis: the numerator of α* is ‖g‖
# mistake: exact_step/norm-not-squared

def exact_step(A, x):
    import numpy as np

    g = A @ x
    alpha = np.linalg.norm(g) / (g @ A @ g)
    return x - alpha * g
