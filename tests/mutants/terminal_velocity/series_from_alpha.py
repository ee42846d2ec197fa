"""Sums alpha + alpha^2 + ...: the newest gradient given weight alpha instead of 1."""
# diagnosis: the geometric series starts at α instead of 1
# mistake: terminal_velocity/series-from-alpha


def terminal_velocity(g, lr, alpha):
    return -lr * g * alpha / (1 - alpha)
