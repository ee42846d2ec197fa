"""prev + (1 − α)(θ − prev): move a fraction 1 − α of the way to θ."""


def ema_update(prev, theta, alpha):
    return prev + (1 - alpha) * (theta - prev)
