"""Rounds up with floor division: ⌈x⌉ = −⌊−x⌋."""


def batch_size_for_error(sigma, error):
    return int(-(-(sigma / error) ** 2 // 1))
