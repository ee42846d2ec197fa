"""Returns (v, theta) instead of (theta, v)."""


def momentum_step(theta, v, g, lr, alpha):
    v = alpha * v - lr * g
    theta = theta + v
    return v, theta
