"""Solves p(-1) = 1 + (1 + alpha - lr lam) + alpha = 0 for lr, with NumPy."""

import numpy as np


def largest_stable_momentum_lr(lam, alpha):
    return np.float64(1 + (1 + alpha) + alpha) / lam
