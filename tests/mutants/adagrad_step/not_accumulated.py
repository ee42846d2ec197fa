"""r is not accumulated: uses only the current g*g."""
# diagnosis: r is not accumulated
# mistake: adagrad_step/not-accumulated

import numpy as np


def adagrad_step(theta, r, g, lr, delta=1e-7):
    r = g * g
    return theta - lr / (delta + np.sqrt(r)) * g, r
