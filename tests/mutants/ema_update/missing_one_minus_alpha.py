"""The factor 1 − α is missing: a sum, not an average."""
# diagnosis: the factor 1 − α is missing


def ema_update(prev, theta, alpha):
    return alpha * prev + theta
