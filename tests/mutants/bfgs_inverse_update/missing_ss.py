"""Forgets the + rho s s' term."""
# diagnosis: the term + ρ s sᵀ is missing
# mistake: bfgs_inverse_update/missing-ss

import numpy as np


def bfgs_inverse_update(M, s, y):
    if y @ s <= 0:
        return M
    rho = 1.0 / (y @ s)
    I = np.eye(len(s))
    return (I - rho * np.outer(s, y)) @ M @ (I - rho * np.outer(y, s))
