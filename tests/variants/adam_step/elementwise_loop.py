"""A loop over the elements with math.sqrt and Python floats."""

import math

import numpy as np


def adam_step(theta, s, r, g, t, lr=1e-3, rho1=0.9, rho2=0.999, delta=1e-8):
    new_theta, new_s, new_r = np.empty_like(theta), np.empty_like(s), np.empty_like(r)
    for i in np.ndindex(theta.shape):
        gi = float(g[i])
        si = rho1 * float(s[i]) + (1 - rho1) * gi
        ri = rho2 * float(r[i]) + (1 - rho2) * gi * gi
        s_hat = si / (1 - rho1**t)
        r_hat = ri / (1 - rho2**t)
        new_theta[i] = float(theta[i]) - lr * s_hat / (math.sqrt(r_hat) + delta)
        new_s[i], new_r[i] = si, ri
    return new_theta, new_s, new_r
