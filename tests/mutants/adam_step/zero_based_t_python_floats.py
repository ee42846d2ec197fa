"""Bias correction with t - 1 folded into the step size (ZeroDivisionError at t = 1)."""
# diagnosis: the bias correction uses t − 1 (a 0-based t)
# mistake: adam_step/zero-based-t

import numpy as np


def adam_step(theta, s, r, g, t, lr=1e-3, rho1=0.9, rho2=0.999, delta=1e-8):
    s = rho1 * s + (1 - rho1) * g
    r = rho2 * r + (1 - rho2) * g * g
    step = lr * (1 - rho2 ** (t - 1)) ** 0.5 / (1 - rho1 ** (t - 1))
    return theta - step * s / (np.sqrt(r) + delta), s, r
