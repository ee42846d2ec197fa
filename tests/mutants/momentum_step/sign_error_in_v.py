"""Sign error in the velocity: v <- alpha v + lr g."""


def momentum_step(theta, v, g, lr, alpha):
    v = alpha * v + lr * g
    return theta + v, v
