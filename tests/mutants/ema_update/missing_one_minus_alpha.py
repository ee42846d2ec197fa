"""The factor 1 − α is missing: a sum, not an average."""


def ema_update(prev, theta, alpha):
    return alpha * prev + theta
