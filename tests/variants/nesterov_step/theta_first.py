"""theta updated first from the old v and the gradient; v from the difference."""


def nesterov_step(theta, v, grad_fn, lr, alpha):
    g = grad_fn(theta + alpha * v)
    new_theta = theta + alpha * v - lr * g
    return new_theta, alpha * v - lr * g
