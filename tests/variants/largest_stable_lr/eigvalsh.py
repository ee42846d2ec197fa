"""2/λ_max from the symmetric eigensolver."""

import numpy as np


def largest_stable_lr(H):
    return float(2.0 / np.linalg.eigvalsh(H)[-1])
