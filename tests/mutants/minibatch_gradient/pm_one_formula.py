"""Uses the gradient for labels ±1, −y σ(−y z) x, with labels 0/1."""
# diagnosis: the formula for labels ±1, −y σ(−y z) x, is used with labels 0/1
# mistake: minibatch_gradient/pm-one-formula

import numpy as np


def minibatch_gradient(X, y, theta, idx):
    Xb, yb = X[idx], y[idx]
    return (-yb / (1 + np.exp(yb * (Xb @ theta)))) @ Xb / len(idx)
