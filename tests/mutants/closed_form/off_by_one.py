"""Starts counting at k = 1 for (b, 1)."""
# diagnosis: an off-by-one in k
# mistake: closed_form/off-by-one

import numpy as np


def closed_form(b, k):
    rho = (b - 1) / (b + 1)
    return np.array([b * rho ** (k + 1), (-rho) ** (k + 1)])
