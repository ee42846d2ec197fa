"""Glorot normal N(0, 2/(m + n)) instead of uniform (the right variance, the wrong distribution)."""
# diagnosis: it draws from a normal distribution
# mistake: glorot_uniform/normal
import numpy as np


def glorot_uniform(shape, rng):
    m, n = shape
    return rng.normal(0.0, np.sqrt(2 / (m + n)), size=(m, n))
