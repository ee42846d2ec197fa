"""Returns the output alone, without the cache."""
# diagnosis: must return a pair (out, cache), got a single ndarray
# mistake: batchnorm_forward/wrong-return-type

import numpy as np


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    x_hat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)
    return gamma * x_hat + beta
