"""strong_wolfe with its defaults (c2 = 0.9) and the previous f and gradient passed on."""

import numpy as np


def nonlinear_cg(f, grad, x0, tol=1e-6, maxiter=2000):
    x, fx, g = x0.copy(), f(x0), grad(x0)
    d = -g
    for k in range(maxiter):
        if np.sqrt(g @ g) <= tol:
            return x, k
        if g @ d >= 0:
            d = -g
        step = strong_wolfe(f, grad, x, d, fx=fx, g=g)
        beta = ((step.grad - g) @ step.grad) / (g @ g)
        d = beta * d - step.grad
        x, fx, g = step.x, step.fun, step.grad
    return x, maxiter
