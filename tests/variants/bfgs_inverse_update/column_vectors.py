"""Column vectors and transposes instead of np.outer."""

import numpy as np


def bfgs_inverse_update(M, s, y):
    s, y = s.reshape(-1, 1), y.reshape(-1, 1)
    ys = (y.T @ s).item()
    if ys <= 0:
        return M
    rho = 1.0 / ys
    left = np.identity(len(s)) - rho * (s @ y.T)
    return left @ M @ left.T + rho * (s @ s.T)
