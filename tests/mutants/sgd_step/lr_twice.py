"""The learning rate is applied twice."""
# diagnosis: the learning rate is applied twice
# mistake: sgd_step/lr-twice


def sgd_step(theta, g, lr):
    step = lr * g
    return theta - lr * step
