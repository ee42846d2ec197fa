"""Contracts E[θ²] by (1 − ελ) instead of (1 − ελ)²."""
# diagnosis: the factor (1 − ελ) is not squared
# mistake: sgd_noise_floor/not-squared
import math


def sgd_noise_floor(lam, lr, sigma, m):
    if lr * lam >= 2:
        return math.inf
    return 0.5 * lam * lr**2 * sigma**2 / m / (lr * lam)
