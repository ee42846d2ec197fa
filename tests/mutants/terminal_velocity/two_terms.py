"""Only the first two terms of the series."""
# diagnosis: only two terms of the series are summed
# mistake: terminal_velocity/two-terms


def terminal_velocity(g, lr, alpha):
    return -lr * g * (1 + alpha)
