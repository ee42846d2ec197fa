"""The diagonal entries swapped."""
# diagnosis: the diagonal is swapped
# mistake: hessian_eigs/diagonal-swapped

import numpy as np


def hessian_eigs(w1, w2):
    c = 4 * w1 * w2 - 2
    return np.linalg.eigh(np.array([[2 * w1**2, c], [c, 2 * w2**2]]))
