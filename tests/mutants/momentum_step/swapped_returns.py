"""Returns (v, theta) instead of (theta, v)."""
# diagnosis: the returned values are in the wrong order
# mistake: momentum_step/swapped-returns


def momentum_step(theta, v, g, lr, alpha):
    v = alpha * v - lr * g
    theta = theta + v
    return v, theta
