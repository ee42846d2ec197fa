"""Computes in float64 and casts back to the input's dtype."""

import numpy as np


def batchnorm_backward(dout, cache):
    dtype = dout.dtype
    x_hat, inv_sigma, gamma = (np.asarray(a, dtype=np.float64) for a in cache)
    d = dout.astype(np.float64)
    dbeta = d.sum(axis=0)
    dgamma = (d * x_hat).sum(axis=0)
    dx = gamma * inv_sigma * (d - (dbeta + x_hat * dgamma) / d.shape[0])
    return dx.astype(dtype), dgamma.astype(dtype), dbeta.astype(dtype)
