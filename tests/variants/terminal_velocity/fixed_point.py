"""Solves the fixed point v = alpha v - lr g for v: v (1 - alpha) = -lr g."""


def terminal_velocity(g, lr, alpha):
    return (-lr * g) / (1 - alpha)
