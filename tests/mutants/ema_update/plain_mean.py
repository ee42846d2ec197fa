"""The mean of the old average and θ, ignoring α."""
# diagnosis: α is ignored
# mistake: ema_update/plain-mean


def ema_update(prev, theta, alpha):
    return (prev + theta) / 2
