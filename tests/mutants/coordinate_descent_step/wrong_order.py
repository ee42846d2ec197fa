"""Updates x₂ first, then x₁."""
# diagnosis: the coordinates are updated in the wrong order
# mistake: coordinate_descent_step/wrong-order
import numpy as np


def coordinate_descent_step(x, alpha):
    x2 = x[0] / (1 + alpha)
    x1 = x2 / (1 + alpha)
    return np.array([x1, x2], dtype=x.dtype)
