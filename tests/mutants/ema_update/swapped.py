"""α and 1 − α swapped."""
# diagnosis: α and 1 − α are swapped
# mistake: ema_update/swapped


def ema_update(prev, theta, alpha):
    return (1 - alpha) * prev + alpha * theta
