"""rho = 1/(s's) instead of 1/(y's)."""
# diagnosis: ρ = 1/(sᵀs)
# mistake: bfgs_inverse_update/rho-s-s

import numpy as np


def bfgs_inverse_update(M, s, y):
    if y @ s <= 0:
        return M
    rho = 1.0 / (s @ s)
    I = np.eye(len(s))
    return (I - rho * np.outer(s, y)) @ M @ (I - rho * np.outer(y, s)) + rho * np.outer(s, s)
