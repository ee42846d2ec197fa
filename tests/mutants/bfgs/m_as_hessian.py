"""Solves M d = -g, treating M as the Hessian rather than its inverse."""
# diagnosis: M is used as the Hessian
# mistake: bfgs/b-update

import numpy as np


def bfgs(f, grad, x0, tol=1e-6, maxiter=2000):
    n = len(x0)
    I = np.eye(n)
    M = I
    x = x0.copy()
    g = grad(x)
    for k in range(maxiter):
        if np.linalg.norm(g) <= tol:
            return x, k
        d = -np.linalg.solve(M, g)
        step = strong_wolfe(f, grad, x, d)
        s, y = step.x - x, step.grad - g
        if y @ s > 0:
            rho = 1.0 / (y @ s)
            M = (I - rho * np.outer(s, y)) @ M @ (I - rho * np.outer(y, s)) + rho * np.outer(s, s)
        x, g = step.x, step.grad
    return x, maxiter
