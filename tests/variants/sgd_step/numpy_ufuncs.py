"""NumPy functions instead of operators, the learning rate applied last."""

import numpy as np


def sgd_step(theta, g, lr):
    return np.add(theta, np.negative(g) * lr)
