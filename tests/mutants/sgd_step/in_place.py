"""Modifies theta in place and returns it."""
# diagnosis: modified its argument `theta` in place


def sgd_step(theta, g, lr):
    theta -= lr * g
    return theta
