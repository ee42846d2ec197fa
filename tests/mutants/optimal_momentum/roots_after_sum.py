"""4/(lam_max + lam_min): the square roots lost."""
# diagnosis: the square roots are taken after adding
# mistake: optimal_momentum/roots-after-sum

import math


def optimal_momentum(lam_min, lam_max):
    root = math.sqrt(lam_max / lam_min)
    return 4 / (lam_max + lam_min), ((root - 1) / (root + 1)) ** 2
