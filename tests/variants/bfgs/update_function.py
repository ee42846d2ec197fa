"""The update in a nested helper, column vectors, f and g passed to strong_wolfe."""

import numpy as np


def bfgs(f, grad, x0, tol=1e-6, maxiter=2000):
    def update(H, s, y):
        s, y = s[:, None], y[:, None]
        ys = (y.T @ s).item()
        if ys <= 0:
            return H
        left = np.eye(len(s)) - (s @ y.T) / ys
        return left @ H @ left.T + (s @ s.T) / ys

    x, fx, g = x0.copy(), f(x0), grad(x0)
    H = np.eye(len(x0))
    for k in range(maxiter):
        if np.linalg.norm(g) <= tol:
            return x, k
        step = strong_wolfe(f, grad, x, -H @ g, fx=fx, g=g)
        H = update(H, step.x - x, step.grad - g)
        x, fx, g = step.x, step.fun, step.grad
    return x, maxiter
