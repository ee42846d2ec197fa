"""Sums |g| and divides by it: scale-free steps, but shrinking like 1/t."""
# diagnosis: r sums |g| and the step divides by r
# mistake: adagrad_step/sums-absolute-values
import numpy as np


def adagrad_step(theta, r, g, lr, delta=1e-7):
    r = r + np.abs(g)
    return theta - lr * g / (delta + r), r
