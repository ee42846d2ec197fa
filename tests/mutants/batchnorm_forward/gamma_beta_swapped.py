"""Scales by β and shifts by γ."""
# diagnosis: γ and β are swapped
# mistake: batchnorm_forward/gamma-beta-swapped

import numpy as np


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    x_hat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)
    return beta * x_hat + gamma, (x_hat, gamma)
