"""2/(lam_max - lam_min): a sign slip in the balance."""
# diagnosis: a sign is wrong
# mistake: optimal_constant_step/difference


def optimal_constant_step(lam_min, lam_max):
    return 2 / (lam_max - lam_min)
