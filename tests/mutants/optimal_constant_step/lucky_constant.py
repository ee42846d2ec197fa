"""A constant that is right for one problem only (b = 0.1: 2/1.1)."""
# diagnosis: none
# mistake: none


def optimal_constant_step(lam_min, lam_max):
    return 1.8181818181818181
