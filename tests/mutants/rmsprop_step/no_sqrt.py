"""Forgot the square root."""
# diagnosis: the square root is missing
# mistake: rmsprop_step/no-sqrt


def rmsprop_step(theta, r, g, lr, rho=0.9, delta=1e-6):
    r = rho * r + (1 - rho) * g * g
    return theta - lr / (delta + r) * g, r
