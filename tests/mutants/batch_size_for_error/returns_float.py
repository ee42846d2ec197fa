"""Returns np.ceil's float instead of an int."""
# diagnosis: must return m as an int
# mistake: batch_size_for_error/wrong-return-type

import numpy as np


def batch_size_for_error(sigma, error):
    return np.ceil((sigma / error) ** 2)
