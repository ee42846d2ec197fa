"""Exact coordinate minimization of ½xᵀAx written for any A: x_i ← −Σ_{j≠i} A_ij x_j / A_ii."""
import numpy as np


def coordinate_descent_step(x, alpha):
    A = np.array([[2 + 2 * alpha, -2.0], [-2.0, 2 + 2 * alpha]])
    x = np.array(x)
    for i in range(2):
        x[i] = -(A[i] @ x - A[i, i] * x[i]) / A[i, i]
    return x
