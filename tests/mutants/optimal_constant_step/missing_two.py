"""1/(lam_min + lam_max): the factor 2 is lost solving the balance."""
# diagnosis: a factor 2 is missing
# mistake: optimal_constant_step/missing-two


def optimal_constant_step(lam_min, lam_max):
    return 1 / (lam_min + lam_max)
