"""Divides the sum by N, the number of all examples, instead of by m."""
# diagnosis: the sum is divided by N
# mistake: minibatch_gradient/divided-by-n

import numpy as np


def minibatch_gradient(X, y, theta, idx):
    Xb = X[idx]
    return (1 / (1 + np.exp(-(Xb @ theta))) - y[idx]) @ Xb / len(X)
