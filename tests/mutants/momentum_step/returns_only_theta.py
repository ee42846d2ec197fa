"""Returns only theta, not (theta, v)."""
# diagnosis: must return a tuple (theta, v), got a single ndarray
# mistake: momentum_step/wrong-return-type


def momentum_step(theta, v, g, lr, alpha):
    v = alpha * v - lr * g
    return theta + v
