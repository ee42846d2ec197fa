"""Applies the update of B (the Hessian approximation) to its inverse M."""
# diagnosis: the update of B (the Hessian approximation), B + yyᵀ/yᵀs − BssᵀB/sᵀBs, is applied to its inverse M
# mistake: bfgs_inverse_update/b-update

import numpy as np


def bfgs_inverse_update(M, s, y):
    if y @ s <= 0:
        return M
    Ms = M @ s
    return M + np.outer(y, y) / (y @ s) - np.outer(Ms, Ms) / (s @ Ms)
