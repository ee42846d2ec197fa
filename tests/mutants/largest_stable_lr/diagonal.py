"""Reads the eigenvalues off the diagonal (right for the explorer's diagonal H only)."""
# diagnosis: the diagonal entries of H are its eigenvalues only when H is diagonal
# mistake: largest_stable_lr/diagonal

import numpy as np


def largest_stable_lr(H):
    return 2.0 / np.max(np.diag(H))
