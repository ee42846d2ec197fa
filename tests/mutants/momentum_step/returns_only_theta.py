"""Returns only theta, not (theta, v)."""


def momentum_step(theta, v, g, lr, alpha):
    v = alpha * v - lr * g
    return theta + v
