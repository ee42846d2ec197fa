"""The misprinted bound 6/√(m + n)."""
# diagnosis: it uses 6/√(m + n)
# mistake: glorot_uniform/six-over-root
import numpy as np


def glorot_uniform(shape, rng):
    m, n = shape
    b = 6 / np.sqrt(m + n)
    return rng.uniform(-b, b, size=(m, n))
