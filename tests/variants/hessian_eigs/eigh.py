"""np.linalg.eigh: eigenvalues ascending, eigenvectors as columns."""

import numpy as np


def hessian_eigs(w1, w2):
    H = np.array([[2 * w2**2, 4 * w1 * w2 - 2], [4 * w1 * w2 - 2, 2 * w1**2]])
    lam, U = np.linalg.eigh(H)
    return lam, U
