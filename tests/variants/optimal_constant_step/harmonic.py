"""The reciprocal of the mean of the two extreme eigenvalues."""


def optimal_constant_step(lam_min, lam_max):
    mean = (lam_max + lam_min) / 2
    return 1 / mean
