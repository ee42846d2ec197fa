"""Counts one iteration too many."""
# diagnosis: n_iter counts one iteration too many
# mistake: conjugate_gradient/count-off-by-one

import numpy as np


def conjugate_gradient(A, b, x0=None, tol=1e-10, maxiter=None):
    n = len(b)
    if maxiter is None:
        maxiter = 10 * n
    x = np.zeros(n) if x0 is None else np.array(x0, dtype=float)
    r = b - A @ x
    d = r.copy()
    rr = r @ r
    stop = tol * np.linalg.norm(b)
    for k in range(maxiter):
        if np.sqrt(rr) <= stop:
            return x, k + 1
        Ad = A @ d
        alpha = rr / (d @ Ad)
        x = x + alpha * d
        r = r - alpha * Ad
        rr_new = r @ r
        d = r + (rr_new / rr) * d
        rr = rr_new
    return x, maxiter
