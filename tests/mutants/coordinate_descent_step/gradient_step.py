"""A gradient step with ε = 0.1 instead of exact minimization."""
# diagnosis: it takes a gradient step
# mistake: coordinate_descent_step/gradient-step
import numpy as np


def coordinate_descent_step(x, alpha):
    grad = np.array([2 * (x[0] - x[1]) + 2 * alpha * x[0], -2 * (x[0] - x[1]) + 2 * alpha * x[1]])
    return (x - 0.1 * grad).astype(x.dtype)
