"""Right values, but grad_fn is evaluated twice (once for v, once for theta): twice the cost."""
# diagnosis: called grad_fn 2 times
# mistake: nesterov_step/grad_fn-call-count


def nesterov_step(theta, v, grad_fn, lr, alpha):
    new_v = alpha * v - lr * grad_fn(theta + alpha * v)
    theta = theta + alpha * v - lr * grad_fn(theta + alpha * v)
    return theta, new_v
