"""The update in a nested helper, column vectors, f and g passed to strong_wolfe."""

import numpy as np


def bfgs(f, grad, x0, tol=1e-6, maxiter=2000):
    def update(M, s, y):
        s, y = s[:, None], y[:, None]
        ys = (y.T @ s).item()
        if ys <= 0:
            return M
        left = np.eye(len(s)) - (s @ y.T) / ys
        return left @ M @ left.T + (s @ s.T) / ys

    x, fx, g = x0.copy(), f(x0), grad(x0)
    M = np.eye(len(x0))
    for k in range(maxiter):
        if np.linalg.norm(g) <= tol:
            return x, k
        step = strong_wolfe(f, grad, x, -M @ g, fx=fx, g=g)
        M = update(M, step.x - x, step.grad - g)
        x, fx, g = step.x, step.fun, step.grad
    return x, maxiter
