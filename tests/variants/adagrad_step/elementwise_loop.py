"""A loop over the elements with math.sqrt and Python floats."""

import math

import numpy as np


def adagrad_step(theta, r, g, lr, delta=1e-7):
    new_theta, new_r = np.empty_like(theta), np.empty_like(r)
    for i in np.ndindex(theta.shape):
        gi = float(g[i])
        ri = float(r[i]) + gi * gi
        new_r[i] = ri
        new_theta[i] = float(theta[i]) - lr * gi / (delta + math.sqrt(ri))
    return new_theta, new_r
