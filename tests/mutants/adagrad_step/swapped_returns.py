"""Returns (r, theta) instead of (theta, r)."""

import numpy as np


def adagrad_step(theta, r, g, lr, delta=1e-7):
    r = r + g * g
    theta = theta - lr / (delta + np.sqrt(r)) * g
    return r, theta
