"""Takes σ = x.std() and then √(σ + δ): the root twice."""
# diagnosis: the root was taken twice
# mistake: batchnorm_forward/sigma-for-variance

import numpy as np


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    sigma = x.std(axis=0)
    x_hat = (x - x.mean(axis=0)) / np.sqrt(sigma + eps)
    return gamma * x_hat + beta, (x_hat, gamma, sigma)
