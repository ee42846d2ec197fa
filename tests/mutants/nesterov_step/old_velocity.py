"""theta is updated with the old velocity."""
# diagnosis: θ is updated with the old velocity
# mistake: nesterov_step/old-velocity


def nesterov_step(theta, v, grad_fn, lr, alpha):
    g = grad_fn(theta + alpha * v)
    theta = theta + v
    v = alpha * v - lr * g
    return theta, v
