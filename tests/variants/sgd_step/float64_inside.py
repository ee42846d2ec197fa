"""Computes in float64 and casts the result back to the input's dtype."""

import numpy as np


def sgd_step(theta, g, lr):
    step = lr * g.astype(np.float64)
    return (theta.astype(np.float64) - step).astype(theta.dtype)
