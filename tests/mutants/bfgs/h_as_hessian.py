"""Solves H d = -g, treating H as the Hessian rather than its inverse."""
# diagnosis: H is used as the Hessian

import numpy as np


def bfgs(f, grad, x0, tol=1e-6, maxiter=2000):
    n = len(x0)
    I = np.eye(n)
    H = I
    x = x0.copy()
    g = grad(x)
    for k in range(maxiter):
        if np.linalg.norm(g) <= tol:
            return x, k
        d = -np.linalg.solve(H, g)
        step = strong_wolfe(f, grad, x, d)
        s, y = step.x - x, step.grad - g
        if y @ s > 0:
            rho = 1.0 / (y @ s)
            H = (I - rho * np.outer(s, y)) @ H @ (I - rho * np.outer(y, s)) + rho * np.outer(s, s)
        x, g = step.x, step.grad
    return x, maxiter
