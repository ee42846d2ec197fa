"""Returns [y_k, x_k]."""
# diagnosis: the coordinates are swapped
# mistake: closed_form/swapped

import numpy as np


def closed_form(b, k):
    rho = (b - 1) / (b + 1)
    return np.array([(-rho) ** k, b * rho**k])
