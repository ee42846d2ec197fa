"""Divides by 1 − α, as if it were Adam's bias correction at t = 1."""
# diagnosis: it divides by 1 − α, a bias correction
# mistake: ema_update/bias-corrected


def ema_update(prev, theta, alpha):
    return (alpha * prev + (1 - alpha) * theta) / (1 - alpha)
