"""The spectral norm of a positive-definite H is λ_max."""

import numpy as np


def largest_stable_lr(H):
    return 2.0 / np.linalg.norm(H.astype(np.float64), 2)
