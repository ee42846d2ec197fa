"""Returns the transposed shape (n, m)."""
# diagnosis: the shape is transposed
# mistake: glorot_uniform/transposed
import numpy as np


def glorot_uniform(shape, rng):
    m, n = shape
    bound = np.sqrt(6 / (m + n))
    return rng.uniform(-bound, bound, size=(n, m))
