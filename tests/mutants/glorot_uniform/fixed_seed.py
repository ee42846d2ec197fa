"""Makes a generator of its own with a fixed seed instead of using rng."""
# diagnosis: as if it made a generator of its own
# mistake: glorot_uniform/fixed-seed
import numpy as np


def glorot_uniform(shape, rng):
    m, n = shape
    bound = np.sqrt(6 / (m + n))
    return np.random.default_rng(0).uniform(-bound, bound, size=(m, n))
