"""Uses all rows instead of the minibatch's."""

import numpy as np


def minibatch_gradient(X, y, theta, idx):
    return (1 / (1 + np.exp(-(X @ theta))) - y) @ X / len(X)
