"""Look-ahead point theta - alpha v."""
# diagnosis: the look-ahead point uses −αv
# mistake: nesterov_step/lookahead-minus


def nesterov_step(theta, v, grad_fn, lr, alpha):
    v = alpha * v - lr * grad_fn(theta - alpha * v)
    return theta + v, v
