"""Uses √(6/m), the fan-in only."""
# diagnosis: it uses √(6/m), the fan-in only
# mistake: glorot_uniform/fan-in-only
import numpy as np


def glorot_uniform(shape, rng):
    m, n = shape
    bound = np.sqrt(6 / m)
    return rng.uniform(-bound, bound, size=(m, n))
