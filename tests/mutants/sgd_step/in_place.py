"""Modifies theta in place and returns it."""
# diagnosis: modified its argument `theta` in place
# mistake: sgd_step/in-place


def sgd_step(theta, g, lr):
    theta -= lr * g
    return theta
