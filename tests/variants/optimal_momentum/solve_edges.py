"""Solves sqrt(lr lam_min) = 1 - s, sqrt(lr lam_max) = 1 + s as a linear system in (sqrt(lr), s)."""

import numpy as np


def optimal_momentum(lam_min, lam_max):
    A = np.array([[np.sqrt(lam_min), 1.0], [np.sqrt(lam_max), -1.0]])
    root_lr, s = np.linalg.solve(A, np.array([1.0, 1.0]))
    return [root_lr**2, s**2]
