"""Computes in float64 (the gradient too) and casts back to the input's dtype."""

import numpy as np


def nesterov_step(theta, v, grad_fn, lr, alpha):
    dtype = theta.dtype
    theta, v = theta.astype(np.float64), v.astype(np.float64)
    v = alpha * v - lr * np.asarray(grad_fn(theta + alpha * v), dtype=np.float64)
    return (theta + v).astype(dtype), v.astype(dtype)
