"""b (2u − 1) with u ~ U(0, 1) from rng.random."""
import math


def glorot_uniform(shape, rng):
    m, n = shape
    b = math.sqrt(6.0 / (m + n))
    return b * (2.0 * rng.random((m, n)) - 1.0)
