"""Adam without bias correction."""
# diagnosis: without bias correction
# mistake: adam_step/no-bias-correction

import numpy as np


def adam_step(theta, s, r, g, t, lr=1e-3, rho1=0.9, rho2=0.999, delta=1e-8):
    s = rho1 * s + (1 - rho1) * g
    r = rho2 * r + (1 - rho2) * g * g
    return theta - lr * s / (np.sqrt(r) + delta), s, r
