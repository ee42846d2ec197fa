"""Forgot the square root."""
# diagnosis: the square root is missing


def adagrad_step(theta, r, g, lr, delta=1e-7):
    r = r + g * g
    return theta - lr / (delta + r) * g, r
