"""The learning rate is not applied."""
# diagnosis: the learning rate is not applied


def sgd_step(theta, g, lr):
    return theta - g
