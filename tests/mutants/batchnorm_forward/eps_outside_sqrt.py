"""Puts δ outside the square root: (x − μ)/(σ + δ)."""
# diagnosis: δ (eps) is outside the square root
# mistake: batchnorm_forward/eps-outside-sqrt

import numpy as np


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=0)
    sigma = np.sqrt(x.var(axis=0))
    x_hat = (x - mu) / (sigma + eps)
    return gamma * x_hat + beta, (x_hat, gamma, sigma)
