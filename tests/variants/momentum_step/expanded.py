"""theta + alpha v - lr g written out, the velocity computed after theta."""


def momentum_step(theta, v, g, lr, alpha):
    new_theta = theta + alpha * v - lr * g
    new_v = new_theta - theta
    return new_theta, new_v
