"""The general exact line search alpha = -g'd / d'Ad with d = -g."""

import numpy as np


def exact_step(A, x):
    g = A @ x
    d = -g
    alpha = -np.dot(g, d) / np.dot(d, A @ d)
    return x + alpha * d
