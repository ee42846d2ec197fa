"""kappa where sqrt(kappa) belongs."""
# diagnosis: κ is used where √κ belongs
# mistake: optimal_momentum/kappa-not-sqrt

import math


def optimal_momentum(lam_min, lam_max):
    kappa = lam_max / lam_min
    lr = 4 / (math.sqrt(lam_max) + math.sqrt(lam_min)) ** 2
    return lr, ((kappa - 1) / (kappa + 1)) ** 2
