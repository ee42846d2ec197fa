"""A right backward pass for a forward pass with the unbiased variance."""
# diagnosis: fix batchnorm_forward first
# mistake: batchnorm_backward/wrong-forward

import numpy as np


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    inv_sigma = 1 / np.sqrt(x.var(axis=0, ddof=1) + eps)
    x_hat = (x - x.mean(axis=0)) * inv_sigma
    return gamma * x_hat + beta, (x_hat, inv_sigma, gamma)


def batchnorm_backward(dout, cache):
    x_hat, inv_sigma, gamma = cache
    m = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx = gamma * inv_sigma * (dout - dbeta / m - x_hat * dgamma / (m - 1))
    return dx, dgamma, dbeta
