"""Look-ahead point theta + v (alpha missing)."""
# diagnosis: the look-ahead point misses α
# mistake: nesterov_step/lookahead-without-alpha


def nesterov_step(theta, v, grad_fn, lr, alpha):
    v = alpha * v - lr * grad_fn(theta + v)
    return theta + v, v
