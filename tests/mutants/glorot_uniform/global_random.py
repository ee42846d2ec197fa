"""Uses np.random's global functions instead of the provided rng."""
# diagnosis: it uses np.random instead of the provided rng
# mistake: glorot_uniform/global-random
import numpy as np


def glorot_uniform(shape, rng):
    m, n = shape
    bound = np.sqrt(6 / (m + n))
    return np.random.uniform(-bound, bound, size=(m, n))
