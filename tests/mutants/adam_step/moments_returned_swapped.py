"""Returns (theta, r, s) instead of (theta, s, r)."""
# diagnosis: the returned values are in the wrong order
# mistake: adam_step/swapped-returns

import numpy as np


def adam_step(theta, s, r, g, t, lr=1e-3, rho1=0.9, rho2=0.999, delta=1e-8):
    s = rho1 * s + (1 - rho1) * g
    r = rho2 * r + (1 - rho2) * g * g
    s_hat = s / (1 - rho1**t)
    r_hat = r / (1 - rho2**t)
    theta = theta - lr * s_hat / (np.sqrt(r_hat) + delta)
    return theta, r, s
