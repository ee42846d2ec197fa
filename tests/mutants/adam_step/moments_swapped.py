"""Squared gradient in s and raw gradient in r."""
# diagnosis: the moments are swapped
# mistake: adam_step/moments-swapped

import numpy as np


def adam_step(theta, s, r, g, t, lr=1e-3, rho1=0.9, rho2=0.999, delta=1e-8):
    s = rho1 * s + (1 - rho1) * g * g
    r = rho2 * r + (1 - rho2) * g
    s_hat = s / (1 - rho1**t)
    r_hat = r / (1 - rho2**t)
    return theta - lr * s_hat / (np.sqrt(r_hat) + delta), s, r
