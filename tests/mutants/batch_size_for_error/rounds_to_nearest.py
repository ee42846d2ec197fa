"""Rounds (σ/error)² to the nearest integer."""
# diagnosis: m is rounded down or to the nearest integer
# mistake: batch_size_for_error/not-rounded-up


def batch_size_for_error(sigma, error):
    return round(sigma**2 / error**2)
