"""The largest modulus of np.linalg.eigvals (the general eigensolver)."""

import numpy as np


def largest_stable_lr(H):
    return 2.0 / float(np.max(np.abs(np.linalg.eigvals(H))))
