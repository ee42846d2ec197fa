"""Builds the result in float64, so float32 inputs come back as float64."""
# diagnosis: returned g as float64 for float32 inputs
# mistake: minibatch_gradient/wrong-dtype

import numpy as np


def minibatch_gradient(X, y, theta, idx):
    g = np.zeros(len(theta))
    for i in idx:
        g += (1 / (1 + np.exp(-(X[i] @ theta))) - y[i]) * X[i]
    return g / len(idx)
