"""alpha = r'r / d'd: the A is missing."""
# diagnosis: α misses A
# mistake: conjugate_gradient/alpha-without-a

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
            return x, k
        Ad = A @ d
        alpha = rr / (d @ d)
        x = x + alpha * d
        r = r - alpha * Ad
        rr_new = r @ r
        d = r + (rr_new / rr) * d
        rr = rr_new
    return x, maxiter
