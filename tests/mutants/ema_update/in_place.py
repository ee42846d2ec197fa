"""Updates prev in place."""
# diagnosis: modified its argument `prev` in place
# mistake: ema_update/in-place


def ema_update(prev, theta, alpha):
    prev *= alpha
    prev += (1 - alpha) * theta
    return prev
