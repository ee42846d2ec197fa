"""y_k = rho^k: the alternating sign is lost."""

import numpy as np


def closed_form(b, k):
    rho = (b - 1) / (b + 1)
    return np.array([b * rho**k, rho**k])
