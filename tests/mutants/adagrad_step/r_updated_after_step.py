"""r is updated after the step (the step uses the old r)."""
# diagnosis: r is updated after the step
# mistake: adagrad_step/r-updated-after-step

import numpy as np


def adagrad_step(theta, r, g, lr, delta=1e-7):
    theta = theta - lr / (delta + np.sqrt(r)) * g
    r = r + g * g
    return theta, r
