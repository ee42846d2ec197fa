"""Returns a list [theta, v]: it unpacks like the tuple."""


def momentum_step(theta, v, g, lr, alpha):
    v = alpha * v - lr * g
    return [theta + v, v]
