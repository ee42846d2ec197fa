"""Takes the standard error to fall like σ/m."""
# diagnosis: the error is taken to fall like σ/m
# mistake: batch_size_for_error/error-like-one-over-m

import math


def batch_size_for_error(sigma, error):
    return math.ceil(sigma / error)
