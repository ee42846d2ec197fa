"""A Newton step along each coordinate in turn (exact for a quadratic)."""
import numpy as np


def coordinate_descent_step(x, alpha):
    x1, x2 = x[0], x[1]
    x1 = x1 - (2 * (x1 - x2) + 2 * alpha * x1) / (2 + 2 * alpha)
    x2 = x2 - (-2 * (x1 - x2) + 2 * alpha * x2) / (2 + 2 * alpha)
    return np.stack([x1, x2])
