"""Xᵀ(σ(Xθ) − y)/m on the rows of the minibatch."""

import numpy as np


def minibatch_gradient(X, y, theta, idx):
    Xb, yb = X[idx], y[idx]
    p = 1 / (1 + np.exp(-(Xb @ theta)))
    return Xb.T @ (p - yb) / len(idx)
