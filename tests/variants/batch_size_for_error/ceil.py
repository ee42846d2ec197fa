"""(σ/error)² rounded up."""

import math


def batch_size_for_error(sigma, error):
    return max(1, math.ceil((sigma / error) ** 2))
