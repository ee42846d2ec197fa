"""A loop over the examples of the minibatch."""

import numpy as np


def minibatch_gradient(X, y, theta, idx):
    g = np.zeros_like(theta)
    for i in idx:
        z = X[i] @ theta
        g = g + (1 / (1 + np.exp(-z)) - y[i]) * X[i]
    return g / len(idx)
