"""The fixed point of E[θ²] ← (1 − ελ)² E[θ²] + ε²σ²/m, then ½ λ E[θ²]."""

import numpy as np


def sgd_noise_floor(lam, lr, sigma, m):
    contraction = (1.0 - lr * lam) ** 2
    if contraction >= 1.0:
        return float(np.inf)
    second_moment = lr**2 * sigma**2 / m / (1.0 - contraction)
    return 0.5 * lam * second_moment
