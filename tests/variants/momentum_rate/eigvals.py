"""The spectral radius of the 2x2 matrix itself, by np.linalg.eigvals."""

import numpy as np


def momentum_rate(lam, lr, alpha):
    M = np.array([[1 - lr * lam, alpha], [-lr * lam, alpha]])
    return np.max(np.abs(np.linalg.eigvals(M)))
