"""Keeps a dict as the cache and writes σ = √(δ + σ²) step by step."""

import numpy as np


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    m = x.shape[0]
    mu = np.sum(x, axis=0) / m
    centred = x - mu
    var = np.sum(centred**2, axis=0) / m
    sigma = np.sqrt(eps + var)
    x_hat = centred / sigma
    out = gamma * x_hat + beta
    return out, {"x_hat": x_hat, "sigma": sigma, "gamma": gamma, "centred": centred}
