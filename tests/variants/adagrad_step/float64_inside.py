"""Computes in float64 and casts back to the input's dtype."""

import numpy as np


def adagrad_step(theta, r, g, lr, delta=1e-7):
    dtype = theta.dtype
    g64 = g.astype(np.float64)
    r64 = r.astype(np.float64) + np.square(g64)
    theta64 = theta.astype(np.float64) - lr * g64 / (np.sqrt(r64) + delta)
    return theta64.astype(dtype), r64.astype(dtype)
