"""Returns np.ceil's float instead of an int."""
# diagnosis: must return m as an int

import numpy as np


def batch_size_for_error(sigma, error):
    return np.ceil((sigma / error) ** 2)
