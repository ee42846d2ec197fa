"""rho = 1/(s's) instead of 1/(y's)."""
# diagnosis: ρ = 1/(sᵀs)

import numpy as np


def bfgs_inverse_update(H, s, y):
    if y @ s <= 0:
        return H
    rho = 1.0 / (s @ s)
    I = np.eye(len(s))
    return (I - rho * np.outer(s, y)) @ H @ (I - rho * np.outer(y, s)) + rho * np.outer(s, s)
