"""Truncates (σ/error)² with int()."""
# diagnosis: m is rounded down or to the nearest integer
# mistake: batch_size_for_error/not-rounded-up


def batch_size_for_error(sigma, error):
    return int((sigma / error) ** 2)
