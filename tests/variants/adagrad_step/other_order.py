"""g ** 2, and lr times g divided by the denominator."""

import numpy as np


def adagrad_step(theta, r, g, lr, delta=1e-7):
    r = g ** 2 + r
    return theta - (lr * g) / (np.sqrt(r) + delta), r
