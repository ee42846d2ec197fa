"""Plain Python loops for the products and the step."""

import numpy as np


def exact_step(A, x):
    n = len(x)
    g = np.zeros_like(x)
    for i in range(n):
        for j in range(n):
            g[i] += A[i, j] * x[j]
    gg, gAg = 0.0, 0.0
    for i in range(n):
        gg += g[i] * g[i]
        for j in range(n):
            gAg += g[i] * A[i, j] * g[j]
    alpha = gg / gAg
    new = x.copy()
    for i in range(n):
        new[i] = x[i] - alpha * g[i]
    return new
