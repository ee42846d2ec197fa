"""The learning rate is not applied."""
# diagnosis: the learning rate is not applied
# mistake: sgd_step/lr-not-applied


def sgd_step(theta, g, lr):
    return theta - g
