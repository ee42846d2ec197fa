"""The small-ε approximation εσ²/(4m)."""
# diagnosis: it is the small-ε approximation
# mistake: sgd_noise_floor/small-lr
import math


def sgd_noise_floor(lam, lr, sigma, m):
    if lr * lam >= 2:
        return math.inf
    return lr * sigma**2 / (4 * m)
