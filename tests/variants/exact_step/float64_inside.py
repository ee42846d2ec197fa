"""Computes in float64 and casts back to the input's dtype."""

import numpy as np


def exact_step(A, x):
    A64, x64 = A.astype(np.float64), x.astype(np.float64)
    g = A64 @ x64
    alpha = (g @ g) / (g @ A64 @ g)
    return (x64 - alpha * g).astype(x.dtype)
