"""ε σ² / (2 m (2 − ελ)), or inf."""

import math


def sgd_noise_floor(lam, lr, sigma, m):
    if lr * lam >= 2:
        return math.inf
    return lr * sigma**2 / (2 * m * (2 - lr * lam))
