"""Accumulates r in place."""
# diagnosis: modified its argument `r` in place
# mistake: adagrad_step/in-place

import numpy as np


def adagrad_step(theta, r, g, lr, delta=1e-7):
    r += g * g
    return theta - lr / (delta + np.sqrt(r)) * g, r
