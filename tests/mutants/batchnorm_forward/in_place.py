"""Centres x in place (x -= μ)."""
# diagnosis: modified its argument `x` in place
# mistake: batchnorm_forward/in-place

import numpy as np


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    x -= x.mean(axis=0)
    inv_sigma = 1 / np.sqrt((x * x).mean(axis=0) + eps)
    x_hat = x * inv_sigma
    return gamma * x_hat + beta, (x_hat, inv_sigma, gamma)
