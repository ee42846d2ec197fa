"""Applies the update of B (the Hessian approximation) to its inverse H."""
# diagnosis: the update of B (the Hessian approximation), B + yyᵀ/yᵀs − BssᵀB/sᵀBs, is applied to its inverse H

import numpy as np


def bfgs_inverse_update(H, s, y):
    if y @ s <= 0:
        return H
    Hs = H @ s
    return H + np.outer(y, y) / (y @ s) - np.outer(Hs, Hs) / (s @ Hs)
