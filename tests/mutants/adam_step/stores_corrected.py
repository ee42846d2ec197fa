"""Stores the bias-corrected moments as the state."""
# diagnosis: the bias-corrected ŝ and r̂ are stored as the state
# mistake: adam_step/stores-corrected

import numpy as np


def adam_step(theta, s, r, g, t, lr=1e-3, rho1=0.9, rho2=0.999, delta=1e-8):
    s = rho1 * s + (1 - rho1) * g
    r = rho2 * r + (1 - rho2) * g * g
    s = s / (1 - rho1**t)
    r = r / (1 - rho2**t)
    return theta - lr * s / (np.sqrt(r) + delta), s, r
