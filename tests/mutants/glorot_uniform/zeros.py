"""All weights zero: does not break the symmetry."""
import numpy as np


def glorot_uniform(shape, rng):
    return np.zeros(shape)
