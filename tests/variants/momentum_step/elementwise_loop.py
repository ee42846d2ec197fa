"""A loop over the elements with Python floats."""

import numpy as np


def momentum_step(theta, v, g, lr, alpha):
    new_theta, new_v = np.empty_like(theta), np.empty_like(v)
    for i in np.ndindex(theta.shape):
        new_v[i] = alpha * float(v[i]) - lr * float(g[i])
        new_theta[i] = float(theta[i]) + float(new_v[i])
    return new_theta, new_v
