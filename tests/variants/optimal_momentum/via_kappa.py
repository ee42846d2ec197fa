"""Through kappa: alpha = ((sqrt(kappa) - 1)/(sqrt(kappa) + 1))^2, with NumPy."""

import numpy as np


def optimal_momentum(lam_min, lam_max):
    kappa = lam_max / lam_min
    alpha = ((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2
    lr = 4 / (np.sqrt(lam_max) + np.sqrt(lam_min)) ** 2
    return lr, alpha
