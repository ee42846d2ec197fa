"""Loops over the entries."""

import numpy as np


def bfgs_inverse_update(H, s, y):
    n = len(s)
    ys = sum(y[i] * s[i] for i in range(n))
    if ys <= 0:
        return H
    rho = 1.0 / ys
    V = [[(1.0 if i == j else 0.0) - rho * y[i] * s[j] for j in range(n)] for i in range(n)]
    HV = [[sum(H[i, m] * V[m][j] for m in range(n)) for j in range(n)] for i in range(n)]
    out = np.empty_like(H)
    for i in range(n):
        for j in range(n):
            out[i, j] = sum(V[m][i] * HV[m][j] for m in range(n)) + rho * s[i] * s[j]
    return out
