"""The new r is used in the step but not returned."""
# diagnosis: r is not updated
# mistake: rmsprop_step/r-not-updated

import numpy as np


def rmsprop_step(theta, r, g, lr, rho=0.9, delta=1e-6):
    r_new = rho * r + (1 - rho) * g * g
    return theta - lr / np.sqrt(delta + r_new) * g, r
