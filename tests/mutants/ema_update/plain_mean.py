"""The mean of the old average and θ, ignoring α."""


def ema_update(prev, theta, alpha):
    return (prev + theta) / 2
