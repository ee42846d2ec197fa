"""PyTorch's velocity units: v <- alpha v + g; theta <- theta - lr v."""
# diagnosis: the velocity has PyTorch's units
# mistake: momentum_step/pytorch-units


def momentum_step(theta, v, g, lr, alpha):
    v = alpha * v + g
    return theta - lr * v, v
