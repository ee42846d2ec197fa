"""One feature (column) at a time, with the cache (x̂, 1/σ, γ)."""

import numpy as np


def batchnorm_backward(dout, cache):
    x_hat, inv_sigma, gamma = cache
    inv_sigma = np.reshape(inv_sigma, -1)
    dx = np.empty_like(dout)
    dgamma = np.empty_like(gamma)
    dbeta = np.empty_like(gamma)
    for j in range(dout.shape[1]):
        d, h = dout[:, j], x_hat[:, j]
        dbeta[j] = d.sum()
        dgamma[j] = (d * h).sum()
        dx[:, j] = gamma[j] * inv_sigma[j] * (d - d.mean() - h * (d * h).mean())
    return dx, dgamma, dbeta
