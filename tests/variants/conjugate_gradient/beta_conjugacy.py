"""β from the conjugacy condition d_{k+1}ᵀA d_k = 0 and α from α* = rᵀd / dᵀAd (Section 2)."""

import numpy as np


def conjugate_gradient(A, b, x0=None, tol=1e-10, maxiter=None):
    n = len(b)
    maxiter = 10 * n if maxiter is None else maxiter
    x = np.zeros(n) if x0 is None else x0.astype(float)
    r = b - A @ x
    d = r
    for k in range(maxiter):
        if np.linalg.norm(r) <= tol * np.linalg.norm(b):
            return x, k
        Ad = A @ d
        dAd = d @ Ad
        alpha = (r @ d) / dAd
        x = x + alpha * d
        r = r - alpha * Ad
        beta = -(r @ Ad) / dAd
        d = r + beta * d
    return x, maxiter
