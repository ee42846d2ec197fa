"""(y − σ(z)) x: the gradient of the log-likelihood, not of the loss."""
# diagnosis: the sign is wrong
# mistake: minibatch_gradient/sign-error

import numpy as np


def minibatch_gradient(X, y, theta, idx):
    Xb = X[idx]
    return (y[idx] - 1 / (1 + np.exp(-(Xb @ theta)))) @ Xb / len(idx)
