"""The O(n^2) expanded form for symmetric M."""

import numpy as np


def bfgs_inverse_update(M, s, y):
    ys = float(y @ s)
    if ys <= 0:
        return M.copy()
    rho = 1.0 / ys
    My = M @ y
    return M - rho * (np.outer(s, My) + np.outer(My, s)) + (rho * rho * (y @ My) + rho) * np.outer(s, s)
