"""Statistics kept as (1, n) rows with keepdims, a tuple cache."""

import numpy as np


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    mu = np.mean(x, axis=0, keepdims=True)
    var = np.mean((x - mu) ** 2, axis=0, keepdims=True)
    x_hat = (x - mu) / np.sqrt(var + eps)
    return x_hat * gamma[None, :] + beta[None, :], (x, x_hat, mu, var, gamma, eps)
