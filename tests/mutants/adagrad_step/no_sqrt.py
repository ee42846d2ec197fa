"""Forgot the square root."""
# diagnosis: the square root is missing
# mistake: adagrad_step/no-sqrt


def adagrad_step(theta, r, g, lr, delta=1e-7):
    r = r + g * g
    return theta - lr / (delta + r) * g, r
