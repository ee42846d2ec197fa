"""Takes the statistics over axis=1 without keepdims (a broadcasting error when m ≠ n)."""
# diagnosis: the statistics are taken over the features (axis=1) instead of over the batch
# mistake: batchnorm_forward/features-axis

import numpy as np


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=1)
    var = x.var(axis=1)
    x_hat = (x - mu) / np.sqrt(var + eps)
    return gamma * x_hat + beta, (x_hat, gamma, var)
