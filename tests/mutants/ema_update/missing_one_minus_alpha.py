"""The factor 1 − α is missing: a sum, not an average."""
# diagnosis: the factor 1 − α is missing
# mistake: ema_update/missing-one-minus-alpha


def ema_update(prev, theta, alpha):
    return alpha * prev + theta
