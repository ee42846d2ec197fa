"""delta outside the square root (PyTorch's convention, not the book's)."""
# diagnosis: δ is outside the square root
# mistake: rmsprop_step/delta-outside-sqrt

import numpy as np


def rmsprop_step(theta, r, g, lr, rho=0.9, delta=1e-6):
    r = rho * r + (1 - rho) * g * g
    return theta - lr / (delta + np.sqrt(r)) * g, r
