"""Updates M in place (M += ...)."""
# diagnosis: modified its argument `M` in place
# mistake: bfgs_inverse_update/in-place

import numpy as np


def bfgs_inverse_update(M, s, y):
    if y @ s <= 0:
        return M
    rho = 1.0 / (y @ s)
    My = M @ y
    M += -rho * (np.outer(s, My) + np.outer(My, s)) + (rho * rho * (y @ My) + rho) * np.outer(s, s)
    return M
