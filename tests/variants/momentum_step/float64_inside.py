"""Computes in float64 and casts back to the input's dtype."""

import numpy as np


def momentum_step(theta, v, g, lr, alpha):
    dtype = theta.dtype
    theta, v, g = (x.astype(np.float64) for x in (theta, v, g))
    v = alpha * v - lr * g
    return (theta + v).astype(dtype), v.astype(dtype)
