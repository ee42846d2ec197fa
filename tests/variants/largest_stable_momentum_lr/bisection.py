"""Bisection on the spectral radius of the 2x2 iteration (a student who checks numerically)."""

import numpy as np


def largest_stable_momentum_lr(lam, alpha):
    def stable(lr):
        M = np.array([[1 - lr * lam, alpha], [-lr * lam, alpha]])
        return np.max(np.abs(np.linalg.eigvals(M))) < 1

    low, high = 0.0, 10.0 / lam
    for _ in range(200):
        mid = (low + high) / 2
        if stable(mid):
            low = mid
        else:
            high = mid
    return high
