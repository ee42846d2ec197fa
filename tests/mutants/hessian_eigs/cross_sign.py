"""The cross term with the wrong sign."""
# diagnosis: the cross term has the wrong sign
# mistake: hessian_eigs/cross-sign

import numpy as np


def hessian_eigs(w1, w2):
    c = 2 - 4 * w1 * w2
    return np.linalg.eigh(np.array([[2 * w2**2, c], [c, 2 * w1**2]]))
