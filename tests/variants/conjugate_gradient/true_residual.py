"""Recomputes the true residual b - Ax at every step instead of the recurrence."""

import numpy as np


def conjugate_gradient(A, b, x0=None, tol=1e-10, maxiter=None):
    n = len(b)
    maxiter = 10 * n if maxiter is None else maxiter
    x = np.zeros(n) if x0 is None else np.array(x0, dtype=float)
    r = b - A @ x
    d = r.copy()
    for k in range(maxiter):
        if np.linalg.norm(r) <= tol * np.linalg.norm(b):
            return x, k
        Ad = A @ d
        alpha = (r @ r) / (d @ Ad)
        x = x + alpha * d
        r_new = b - A @ x
        beta = (r_new @ r_new) / (r @ r)
        d = r_new + beta * d
        r = r_new
    return x, maxiter
