"""The learning rate is not applied."""


def sgd_step(theta, g, lr):
    return theta - g
