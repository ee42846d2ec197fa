"""Forgets the product rule in the cross term: −2(1 − w₁w₂) only."""
# diagnosis: the cross term misses the product rule
# mistake: hessian_eigs/product-rule

import numpy as np


def hessian_eigs(w1, w2):
    c = -2 * (1 - w1 * w2)
    return np.linalg.eigh(np.array([[2 * w2**2, c], [c, 2 * w1**2]]))
