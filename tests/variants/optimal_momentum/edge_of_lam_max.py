"""alpha first, then lr from the right edge: lr lam_max = (1 + sqrt(alpha))^2."""

import math


def optimal_momentum(lam_min, lam_max):
    s = (math.sqrt(lam_max) - math.sqrt(lam_min)) / (math.sqrt(lam_max) + math.sqrt(lam_min))
    return (1 + s) ** 2 / lam_max, s * s
