"""Computes in float64 and returns the input's dtype."""

import numpy as np


def terminal_velocity(g, lr, alpha):
    speed_up = 1.0 / (1.0 - np.float64(alpha))
    return (-np.float64(lr) * speed_up * g.astype(np.float64)).astype(g.dtype)
