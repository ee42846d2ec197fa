"""Updates the caller's x0 in place (x = x0, then x += ...)."""
# diagnosis: modified its argument `x0` in place
# mistake: conjugate_gradient/in-place

import numpy as np


def conjugate_gradient(A, b, x0=None, tol=1e-10, maxiter=None):
    n = len(b)
    if maxiter is None:
        maxiter = 10 * n
    x = np.zeros(n) if x0 is None else x0
    r = b - A @ x
    d = r.copy()
    rr = r @ r
    stop = tol * np.linalg.norm(b)
    for k in range(maxiter):
        if np.sqrt(rr) <= stop:
            return x, k
        Ad = A @ d
        alpha = rr / (d @ Ad)
        x += alpha * d
        r = r - alpha * Ad
        rr_new = r @ r
        d = r + (rr_new / rr) * d
        rr = rr_new
    return x, maxiter
