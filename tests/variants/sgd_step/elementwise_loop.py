"""A loop over the elements with Python floats; a new array of the input's shape and dtype."""

import numpy as np


def sgd_step(theta, g, lr):
    new = np.empty_like(theta)
    for i in np.ndindex(theta.shape):
        new[i] = float(theta[i]) - lr * float(g[i])
    return new
