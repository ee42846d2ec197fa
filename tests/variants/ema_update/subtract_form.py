"""θ − α(θ − prev)."""


def ema_update(prev, theta, alpha):
    return theta - alpha * (theta - prev)
