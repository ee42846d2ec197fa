"""The bound from the variance: Var = 2/(m + n) = b²/3."""
import numpy as np


def glorot_uniform(shape, rng):
    fan_in, fan_out = shape
    variance = 2.0 / (fan_in + fan_out)
    b = np.sqrt(3.0 * variance)
    return rng.uniform(-b, b, (fan_in, fan_out))
