"""Copies x, then assigns the coordinates in turn."""


def coordinate_descent_step(x, alpha):
    x = x.copy()
    x[0] = x[1] / (1 + alpha)
    x[1] = x[0] / (1 + alpha)
    return x
