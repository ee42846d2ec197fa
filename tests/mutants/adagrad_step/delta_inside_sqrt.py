"""delta inside the square root."""
# diagnosis: δ is inside the square root
# mistake: adagrad_step/delta-inside-sqrt

import numpy as np


def adagrad_step(theta, r, g, lr, delta=1e-7):
    r = r + g * g
    return theta - lr / np.sqrt(delta + r) * g, r
