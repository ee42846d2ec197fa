"""A while loop, and A used only through a function v -> Av."""

import numpy as np


def conjugate_gradient(A, b, x0=None, tol=1e-10, maxiter=None):
    matvec = lambda v: A @ v
    n = b.shape[0]
    maxiter = 10 * n if maxiter is None else maxiter
    x = np.zeros(n) if x0 is None else x0.astype(np.float64)
    r = b - matvec(x)
    d = r
    rr = float(r @ r)
    k = 0
    while k < maxiter and np.sqrt(rr) > tol * np.linalg.norm(b):
        Ad = matvec(d)
        alpha = rr / float(d @ Ad)
        x = x + alpha * d
        r = r - alpha * Ad
        rr, rr_old = float(r @ r), rr
        d = r + (rr / rr_old) * d
        k += 1
    return x, k
