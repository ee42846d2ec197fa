"""Works on a copy in place."""


def ema_update(prev, theta, alpha):
    average = prev.copy()
    average *= alpha
    average += (1 - alpha) * theta
    return average
