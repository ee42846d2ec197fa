"""Turns the labels into ±1 and uses them in the formula for labels 0/1."""
# diagnosis: the labels were turned into ±1
# mistake: minibatch_gradient/pm-one-labels

import numpy as np


def minibatch_gradient(X, y, theta, idx):
    Xb = X[idx]
    signs = 2 * y[idx] - 1
    return (1 / (1 + np.exp(-(Xb @ theta))) - signs) @ Xb / len(idx)
