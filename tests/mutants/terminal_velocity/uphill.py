"""The right speed, pointing uphill."""
# diagnosis: the velocity points uphill
# mistake: terminal_velocity/uphill


def terminal_velocity(g, lr, alpha):
    return lr * g / (1 - alpha)
