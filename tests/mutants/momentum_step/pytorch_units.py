"""PyTorch's velocity units: v <- alpha v + g; theta <- theta - lr v."""


def momentum_step(theta, v, g, lr, alpha):
    v = alpha * v + g
    return theta - lr * v, v
