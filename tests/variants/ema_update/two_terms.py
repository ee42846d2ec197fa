"""The two weighted terms, named."""


def ema_update(prev, theta, alpha):
    kept = alpha * prev
    new = (1 - alpha) * theta
    return kept + new
