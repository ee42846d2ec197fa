"""Truncates (σ/error)² with int()."""
# diagnosis: m is rounded down or to the nearest integer


def batch_size_for_error(sigma, error):
    return int((sigma / error) ** 2)
