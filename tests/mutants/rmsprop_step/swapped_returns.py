"""Returns (r, theta) instead of (theta, r)."""
# diagnosis: the returned values are in the wrong order
# mistake: rmsprop_step/swapped-returns

import numpy as np


def rmsprop_step(theta, r, g, lr, rho=0.9, delta=1e-6):
    r = rho * r + (1 - rho) * g * g
    theta = theta - lr / np.sqrt(delta + r) * g
    return r, theta
