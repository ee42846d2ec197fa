"""torch.optim.SGD(nesterov=True): buffer v <- alpha v + g with g at theta, theta <- theta - lr (g + alpha v)."""
# diagnosis: PyTorch's form of Nesterov momentum in PyTorch's units
# mistake: nesterov_step/pytorch-units


def nesterov_step(theta, v, grad_fn, lr, alpha):
    g = grad_fn(theta)
    v = alpha * v + g
    return theta - lr * (g + alpha * v), v
