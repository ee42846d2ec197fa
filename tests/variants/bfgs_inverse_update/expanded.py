"""The O(n^2) expanded form for symmetric H."""

import numpy as np


def bfgs_inverse_update(H, s, y):
    ys = float(y @ s)
    if ys <= 0:
        return H.copy()
    rho = 1.0 / ys
    Hy = H @ y
    return H - rho * (np.outer(s, Hy) + np.outer(Hy, s)) + (rho * rho * (y @ Hy) + rho) * np.outer(s, s)
