"""The expanded O(n^2) update and c2 = 0.5."""

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
        d = -M @ g
        step = strong_wolfe(f, grad, x, d, c2=0.5)
        s, y = step.x - x, step.grad - g
        if y @ s > 0:
            rho = 1.0 / (y @ s)
            My = M @ y
            M = M - rho * (np.outer(s, My) + np.outer(My, s)) + (rho * rho * (y @ My) + rho) * np.outer(s, s)
        x, g = step.x, step.grad
    return x, maxiter
