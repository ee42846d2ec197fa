"""Calls the course's reference implementation."""


from course.optim import ema


def ema_update(prev, theta, alpha):
    return ema(prev, theta, alpha)
