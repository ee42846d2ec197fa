"""Computes in float64 and casts back to the input's dtype."""

import numpy as np


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    dtype = x.dtype
    x64, gamma64, beta64 = (a.astype(np.float64) for a in (x, gamma, beta))
    inv_sigma = 1.0 / np.sqrt(x64.var(axis=0) + eps)
    x_hat = (x64 - x64.mean(axis=0)) * inv_sigma
    return (gamma64 * x_hat + beta64).astype(dtype), (x_hat.astype(dtype), inv_sigma.astype(dtype), gamma)
