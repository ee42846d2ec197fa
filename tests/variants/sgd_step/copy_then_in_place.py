"""Updates a copy in place: the input is left alone."""


def sgd_step(theta, g, lr):
    new_theta = theta.copy()
    new_theta -= lr * g
    return new_theta
