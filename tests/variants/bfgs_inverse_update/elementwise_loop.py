"""Loops over the entries."""

import numpy as np


def bfgs_inverse_update(M, s, y):
    n = len(s)
    ys = sum(y[i] * s[i] for i in range(n))
    if ys <= 0:
        return M
    rho = 1.0 / ys
    V = [[(1.0 if i == j else 0.0) - rho * y[i] * s[j] for j in range(n)] for i in range(n)]
    MV = [[sum(M[i, m] * V[m][j] for m in range(n)) for j in range(n)] for i in range(n)]
    out = np.empty_like(M)
    for i in range(n):
        for j in range(n):
            out[i, j] = sum(V[m][i] * MV[m][j] for m in range(n)) + rho * s[i] * s[j]
    return out
