"""Jacobi: both coordinates from the old x."""
# diagnosis: a Jacobi sweep
# mistake: coordinate_descent_step/jacobi
import numpy as np


def coordinate_descent_step(x, alpha):
    return np.array([x[1] / (1 + alpha), x[0] / (1 + alpha)], dtype=x.dtype)
