"""Counts one iteration too many."""
# diagnosis: returns a wrong n_iter
# mistake: nonlinear_cg/wrong-n-iter

import numpy as np


def nonlinear_cg(f, grad, x0, tol=1e-6, maxiter=2000):
    x = x0.copy()
    g = grad(x)
    d = -g
    for k in range(maxiter):
        if np.linalg.norm(g) <= tol:
            return x, k + 1
        if g @ d >= 0:
            d = -g
        step = strong_wolfe(f, grad, x, d, c2=0.1)
        g_new = step.grad
        beta = (g_new - g) @ g_new / (g @ g)
        d = -g_new + beta * d
        x, g = step.x, g_new
    return x, maxiter
