"""Divides the variance σ² by the standard error."""
# diagnosis: σ²/error mixes a variance with a standard deviation
# mistake: batch_size_for_error/variance-over-error

import math


def batch_size_for_error(sigma, error):
    return math.ceil(sigma**2 / error)
