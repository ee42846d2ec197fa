"""rho and 1 - rho swapped."""
# diagnosis: ρ and 1 − ρ are swapped
# mistake: rmsprop_step/rho-swapped

import numpy as np


def rmsprop_step(theta, r, g, lr, rho=0.9, delta=1e-6):
    r = (1 - rho) * r + rho * g * g
    return theta - lr / np.sqrt(delta + r) * g, r
