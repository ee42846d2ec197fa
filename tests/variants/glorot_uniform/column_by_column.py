"""Draws the incoming weights of each unit (column) in turn."""
import numpy as np


def glorot_uniform(shape, rng):
    m, n = shape
    b = (6 / (m + n)) ** 0.5
    W = np.empty((m, n))
    for j in range(n):
        W[:, j] = rng.uniform(-b, b, size=m)
    return W
