"""Returns (r, theta) instead of (theta, r)."""
# diagnosis: the returned values are in the wrong order
# mistake: adagrad_step/swapped-returns

import numpy as np


def adagrad_step(theta, r, g, lr, delta=1e-7):
    r = r + g * g
    theta = theta - lr / (delta + np.sqrt(r)) * g
    return r, theta
