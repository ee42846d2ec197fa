"""Look-ahead point theta + v (alpha missing)."""


def nesterov_step(theta, v, grad_fn, lr, alpha):
    v = alpha * v - lr * grad_fn(theta + v)
    return theta + v, v
