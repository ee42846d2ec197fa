"""The variance ratio σ²/error² rounded up with NumPy, returned as an int."""

import numpy as np


def batch_size_for_error(sigma, error):
    return int(np.ceil(np.float64(sigma) ** 2 / np.float64(error) ** 2))
