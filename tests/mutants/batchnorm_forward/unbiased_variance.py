"""Normalizes with the unbiased variance (ddof=1)."""
# diagnosis: the unbiased variance is used in training
# mistake: batchnorm_forward/unbiased-variance

import numpy as np


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=0)
    var = x.var(axis=0, ddof=1)
    x_hat = (x - mu) / np.sqrt(var + eps)
    return gamma * x_hat + beta, (x_hat, gamma, var)
