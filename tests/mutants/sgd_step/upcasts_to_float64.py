"""Converts to float64, so float32 inputs come back as float64."""

import numpy as np


def sgd_step(theta, g, lr):
    theta = np.array(theta, dtype=float)
    return theta - lr * g
