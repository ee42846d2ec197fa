"""All weights zero: does not break the symmetry."""
# diagnosis: returns equal weights
# mistake: glorot_uniform/equal-weights
import numpy as np


def glorot_uniform(shape, rng):
    return np.zeros(shape)
