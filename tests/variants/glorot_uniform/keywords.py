"""rng.uniform with keyword arguments and size=tuple(shape)."""
import numpy as np


def glorot_uniform(shape, rng):
    limit = np.sqrt(6.0 / (shape[0] + shape[1]))
    return rng.uniform(low=-limit, high=limit, size=tuple(shape))
