"""PyTorch-style Nesterov: gradient at theta, theta <- theta + alpha v_new - lr g."""
# diagnosis: PyTorch's form of Nesterov momentum, which tracks the look-ahead point
# mistake: nesterov_step/pytorch-form


def nesterov_step(theta, v, grad_fn, lr, alpha):
    g = grad_fn(theta)
    v = alpha * v - lr * g
    return theta + alpha * v - lr * g, v
