"""Sums the per-example gradients instead of averaging them."""
# diagnosis: are summed, not averaged
# mistake: minibatch_gradient/sum-not-mean

import numpy as np


def minibatch_gradient(X, y, theta, idx):
    Xb = X[idx]
    return (1 / (1 + np.exp(-(Xb @ theta))) - y[idx]) @ Xb
