"""Restarts with d = -g every n steps; computes g at the new point itself; a while loop."""

import numpy as np


def nonlinear_cg(f, grad, x0, tol=1e-6, maxiter=2000):
    n = len(x0)
    x = np.array(x0, dtype=np.float64)
    g = grad(x)
    d = -g
    k = 0
    while np.linalg.norm(g) > tol and k < maxiter:
        step = strong_wolfe(f, grad, x, d, c1=1e-4, c2=0.2)
        x = x + step.alpha * d
        g_old, g = g, grad(x)
        k += 1
        if k % n == 0:
            d = -g
        else:
            beta = np.dot(g - g_old, g) / np.dot(g_old, g_old)
            d = -g + beta * d
            if np.dot(g, d) >= 0:
                d = -g
    return x, k
