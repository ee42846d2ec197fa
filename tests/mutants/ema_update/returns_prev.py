"""Computes the average but returns the old one."""
# diagnosis: it returns the old average
# mistake: ema_update/returns-prev


def ema_update(prev, theta, alpha):
    average = alpha * prev + (1 - alpha) * theta
    return prev
