"""Updates H in place (H += ...)."""
# diagnosis: modified its argument `H` in place

import numpy as np


def bfgs_inverse_update(H, s, y):
    if y @ s <= 0:
        return H
    rho = 1.0 / (y @ s)
    Hy = H @ y
    H += -rho * (np.outer(s, Hy) + np.outer(Hy, s)) + (rho * rho * (y @ Hy) + rho) * np.outer(s, s)
    return H
