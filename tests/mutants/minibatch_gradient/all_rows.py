"""Uses all rows instead of the minibatch's."""
# diagnosis: uses all N rows instead of the minibatch's rows
# mistake: minibatch_gradient/all-rows

import numpy as np


def minibatch_gradient(X, y, theta, idx):
    return (1 / (1 + np.exp(-(X @ theta))) - y) @ X / len(X)
