"""The learning rate is applied twice."""
# diagnosis: the learning rate is applied twice


def sgd_step(theta, g, lr):
    step = lr * g
    return theta - lr * step
