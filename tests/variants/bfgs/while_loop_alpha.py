"""A while loop; moves by step.alpha * d and evaluates the gradient itself."""

import numpy as np


def bfgs(f, grad, x0, tol=1e-6, maxiter=2000):
    x = np.asarray(x0, dtype=np.float64).copy()
    M = np.identity(len(x))
    g = grad(x)
    k = 0
    while np.linalg.norm(g) > tol and k < maxiter:
        d = -(M @ g)
        step = strong_wolfe(f, grad, x, d, c1=1e-4, c2=0.9, alpha0=1.0)
        x_new = x + step.alpha * d
        g_new = grad(x_new)
        s, y = x_new - x, g_new - g
        ys = s @ y
        if ys > 0:
            V = np.identity(len(x)) - np.outer(y, s) / ys
            M = V.T @ M @ V + np.outer(s, s) / ys
        x, g, k = x_new, g_new, k + 1
    return x, k
