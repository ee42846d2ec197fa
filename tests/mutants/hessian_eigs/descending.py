"""The eigenvalues in descending order."""
# diagnosis: the eigenvalues are in descending order
# mistake: hessian_eigs/descending

import numpy as np


def hessian_eigs(w1, w2):
    c = 4 * w1 * w2 - 2
    lam, U = np.linalg.eigh(np.array([[2 * w2**2, c], [c, 2 * w1**2]]))
    return lam[::-1], U[:, ::-1]
