"""Column vectors and transposes instead of np.outer."""

import numpy as np


def bfgs_inverse_update(H, s, y):
    s, y = s.reshape(-1, 1), y.reshape(-1, 1)
    ys = (y.T @ s).item()
    if ys <= 0:
        return H
    rho = 1.0 / ys
    left = np.identity(len(s)) - rho * (s @ y.T)
    return left @ H @ left.T + rho * (s @ s.T)
