"""Returns only theta, not (theta, v)."""
# diagnosis: must return a tuple (theta, v), got a single ndarray


def momentum_step(theta, v, g, lr, alpha):
    v = alpha * v - lr * g
    return theta + v
