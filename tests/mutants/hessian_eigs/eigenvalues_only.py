"""Returns the eigenvalues only."""
# diagnosis: must return a tuple (lam, U), got a single ndarray
# mistake: hessian_eigs/wrong-return-type

import numpy as np


def hessian_eigs(w1, w2):
    c = 4 * w1 * w2 - 2
    return np.linalg.eigvalsh(np.array([[2 * w2**2, c], [c, 2 * w1**2]]))
