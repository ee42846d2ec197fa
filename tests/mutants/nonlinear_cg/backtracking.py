"""Uses its own backtracking line search instead of the provided strong_wolfe."""
# diagnosis: never called the provided strong_wolfe
# mistake: nonlinear_cg/own-line-search

import numpy as np


def nonlinear_cg(f, grad, x0, tol=1e-6, maxiter=2000):
    x = x0.copy()
    g = grad(x)
    d = -g
    for k in range(maxiter):
        if np.linalg.norm(g) <= tol:
            return x, k
        if g @ d >= 0:
            d = -g
        alpha = 1.0
        while f(x + alpha * d) > f(x) + 1e-4 * alpha * (g @ d):
            alpha /= 2
        x = x + alpha * d
        g_new = grad(x)
        beta = (g_new - g) @ g_new / (g @ g)
        d = -g_new + beta * d
        g = g_new
    return x, maxiter
