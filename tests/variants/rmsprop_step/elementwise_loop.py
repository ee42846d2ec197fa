"""A loop over the elements with math.sqrt and Python floats."""

import math

import numpy as np


def rmsprop_step(theta, r, g, lr, rho=0.9, delta=1e-6):
    new_theta, new_r = np.empty_like(theta), np.empty_like(r)
    for i in np.ndindex(theta.shape):
        gi = float(g[i])
        ri = rho * float(r[i]) + (1 - rho) * gi * gi
        new_r[i] = ri
        new_theta[i] = float(theta[i]) - lr * gi / math.sqrt(delta + ri)
    return new_theta, new_r
