"""Returns (alpha, lr)."""
# diagnosis: the returned values are in the wrong order: return lr, alpha
# mistake: optimal_momentum/swapped-returns

import math


def optimal_momentum(lam_min, lam_max):
    a, b = math.sqrt(lam_min), math.sqrt(lam_max)
    return ((b - a) / (b + a)) ** 2, 4 / (a + b) ** 2
