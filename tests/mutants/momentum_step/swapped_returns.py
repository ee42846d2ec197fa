"""Returns (v, theta) instead of (theta, v)."""
# diagnosis: the returned values are in the wrong order


def momentum_step(theta, v, g, lr, alpha):
    v = alpha * v - lr * g
    theta = theta + v
    return v, theta
