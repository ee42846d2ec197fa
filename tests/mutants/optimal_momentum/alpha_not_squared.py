"""Returns the rate sqrt(alpha) as alpha."""
# diagnosis: α is not squared
# mistake: optimal_momentum/alpha-not-squared

import math


def optimal_momentum(lam_min, lam_max):
    kappa = lam_max / lam_min
    lr = 4 / (math.sqrt(lam_max) + math.sqrt(lam_min)) ** 2
    return lr, (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)
