"""Works in place on copies, with np.dot and np.sqrt of the squared norms."""

import numpy as np


def conjugate_gradient(A, b, x0=None, tol=1e-10, maxiter=None):
    n = len(b)
    if maxiter is None:
        maxiter = 10 * n
    x = np.zeros(n) if x0 is None else x0.copy()
    r = b - np.dot(A, x)
    d = r.copy()
    rr = np.dot(r, r)
    b_norm = np.sqrt(np.dot(b, b))
    k = 0
    while np.sqrt(rr) > tol * b_norm:
        if k == maxiter:
            break
        Ad = np.dot(A, d)
        alpha = rr / np.dot(d, Ad)
        x += alpha * d
        r -= alpha * Ad
        rr_new = np.dot(r, r)
        d *= rr_new / rr
        d += r
        rr = rr_new
        k += 1
    return x, k
