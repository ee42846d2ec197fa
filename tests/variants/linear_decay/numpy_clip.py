"""alpha clipped with NumPy: a NumPy float64 result."""

import numpy as np


def linear_decay(k, eps0, eps_tau, tau):
    alpha = np.clip(k / tau, 0.0, 1.0)
    return (1 - alpha) * eps0 + alpha * eps_tau
