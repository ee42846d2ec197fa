"""(lam_min + lam_max)/2: the mean eigenvalue instead of the step."""
# diagnosis: ε is inverted
# mistake: optimal_constant_step/inverted


def optimal_constant_step(lam_min, lam_max):
    return (lam_min + lam_max) / 2
