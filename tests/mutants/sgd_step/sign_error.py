"""Sign error: steps along the gradient (gradient ascent)."""


def sgd_step(theta, g, lr):
    return theta + lr * g
