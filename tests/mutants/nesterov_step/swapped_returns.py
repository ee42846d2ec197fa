"""Returns (v, theta) instead of (theta, v)."""
# diagnosis: the returned values are in the wrong order
# mistake: nesterov_step/swapped-returns


def nesterov_step(theta, v, grad_fn, lr, alpha):
    v = alpha * v - lr * grad_fn(theta + alpha * v)
    theta = theta + v
    return v, theta
