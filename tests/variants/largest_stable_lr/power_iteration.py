"""λ_max by power iteration, in float64."""

import numpy as np


def largest_stable_lr(H):
    A = np.asarray(H, dtype=np.float64)
    v = np.ones(A.shape[0]) + np.arange(A.shape[0])
    lam = 0.0
    for _ in range(5000):
        w = A @ v
        v = w / np.linalg.norm(w)
        new = v @ A @ v
        if abs(new - lam) <= 1e-15 * abs(new):
            break
        lam = new
    return 2.0 / new
