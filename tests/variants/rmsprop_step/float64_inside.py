"""Computes in float64 and casts back to the input's dtype."""

import numpy as np


def rmsprop_step(theta, r, g, lr, rho=0.9, delta=1e-6):
    dtype = theta.dtype
    g64 = g.astype(np.float64)
    r64 = rho * r.astype(np.float64) + (1 - rho) * g64 * g64
    theta64 = theta.astype(np.float64) - lr * g64 / np.sqrt(delta + r64)
    return theta64.astype(dtype), r64.astype(dtype)
