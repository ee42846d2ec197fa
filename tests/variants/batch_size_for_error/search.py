"""Tries m = 1, 2, 3, … until σ/√m ≤ error."""

import math


def batch_size_for_error(sigma, error):
    m = 1
    while sigma / math.sqrt(m) > error:
        m += 1
    return m
