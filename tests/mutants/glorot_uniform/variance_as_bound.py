"""Uses √(2/(m + n)), the standard deviation of the Glorot weights, as the bound."""
# diagnosis: it uses the variance 2/(m + n) as the square of the bound
# mistake: glorot_uniform/variance-as-bound
import numpy as np


def glorot_uniform(shape, rng):
    m, n = shape
    bound = np.sqrt(2 / (m + n))
    return rng.uniform(-bound, bound, size=(m, n))
