"""Bias correction with t - 1 (a 0-based step number)."""
# diagnosis: the bias correction uses t − 1 (a 0-based t)
# mistake: adam_step/zero-based-t

import numpy as np


def adam_step(theta, s, r, g, t, lr=1e-3, rho1=0.9, rho2=0.999, delta=1e-8):
    s = rho1 * s + (1 - rho1) * g
    r = rho2 * r + (1 - rho2) * g * g
    s_hat = s / (1 - rho1 ** (t - 1))
    r_hat = r / (1 - rho2 ** (t - 1))
    return theta - lr * s_hat / (np.sqrt(r_hat) + delta), s, r
