"""Adds the noise variance without the factor ε²."""
# diagnosis: the noise enters the update multiplied by ε
# mistake: sgd_noise_floor/no-lr-on-noise
import math


def sgd_noise_floor(lam, lr, sigma, m):
    if lr * lam >= 2:
        return math.inf
    contraction = (1 - lr * lam) ** 2
    return 0.5 * lam * (sigma**2 / m) / (1 - contraction)
