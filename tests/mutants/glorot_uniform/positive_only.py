"""U(0, b): rng.random() scaled, without shifting to (−b, b)."""
# diagnosis: returns no negative weights
# mistake: glorot_uniform/positive-only
import numpy as np


def glorot_uniform(shape, rng):
    m, n = shape
    return np.sqrt(6 / (m + n)) * rng.random((m, n))
