"""The gradient is taken at theta, not at the look-ahead point."""
# diagnosis: the gradient is taken at θ rather than the look-ahead point
# mistake: nesterov_step/gradient-at-theta


def nesterov_step(theta, v, grad_fn, lr, alpha):
    v = alpha * v - lr * grad_fn(theta)
    return theta + v, v
