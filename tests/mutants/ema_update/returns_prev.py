"""Computes the average but returns the old one."""


def ema_update(prev, theta, alpha):
    average = alpha * prev + (1 - alpha) * theta
    return prev
