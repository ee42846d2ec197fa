"""NumPy scalars: np.float64 inside."""

import numpy as np


def optimal_constant_step(lam_min, lam_max):
    lams = np.array([lam_min, lam_max], dtype=np.float64)
    return 2.0 / lams.sum()
