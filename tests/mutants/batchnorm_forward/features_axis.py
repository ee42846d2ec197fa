"""Normalizes each row over its features (axis=1, keepdims), layer-norm style."""
# diagnosis: x is normalized over the features instead of the batch
# mistake: batchnorm_forward/features-axis

import numpy as np


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    x_hat = (x - mu) / np.sqrt(var + eps)
    return gamma * x_hat + beta, (x_hat, gamma, var)
