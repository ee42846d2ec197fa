"""The factor (1 - rho) is missing: r <- rho r + g*g."""
# diagnosis: the factor 1 − ρ is missing
# mistake: rmsprop_step/missing-one-minus-rho

import numpy as np


def rmsprop_step(theta, r, g, lr, rho=0.9, delta=1e-6):
    r = rho * r + g * g
    return theta - lr / np.sqrt(delta + r) * g, r
