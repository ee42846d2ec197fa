"""Converts to float64, so float32 inputs come back as float64."""
# diagnosis: returned theta as float64 for float32 inputs
# mistake: sgd_step/wrong-dtype

import numpy as np


def sgd_step(theta, g, lr):
    theta = np.array(theta, dtype=float)
    return theta - lr * g
