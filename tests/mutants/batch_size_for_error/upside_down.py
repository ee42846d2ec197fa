"""Puts the target error above σ."""
# diagnosis: the ratio is upside down
# mistake: batch_size_for_error/upside-down

import math


def batch_size_for_error(sigma, error):
    return math.ceil((error / sigma) ** 2)
