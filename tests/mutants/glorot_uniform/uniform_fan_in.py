"""U(−1/√m, 1/√m), the fan-in initialization, instead of Glorot's."""
# diagnosis: it draws from U(−1/√m, 1/√m), the fan-in initialization
# mistake: glorot_uniform/uniform-fan-in
import numpy as np


def glorot_uniform(shape, rng):
    m, n = shape
    return rng.uniform(-1 / np.sqrt(m), 1 / np.sqrt(m), size=(m, n))
