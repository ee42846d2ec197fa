"""alpha is missing: v <- v - lr g."""


def momentum_step(theta, v, g, lr, alpha):
    v = v - lr * g
    return theta + v, v
