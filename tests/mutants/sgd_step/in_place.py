"""Modifies theta in place and returns it."""


def sgd_step(theta, g, lr):
    theta -= lr * g
    return theta
