"""The Hessian of ½(1 − w₁w₂)²."""
# diagnosis: the Hessian is half the right one
# mistake: hessian_eigs/half-hessian

import numpy as np


def hessian_eigs(w1, w2):
    c = 2 * w1 * w2 - 1
    return np.linalg.eigh(np.array([[w2**2, c], [c, w1**2]]))
