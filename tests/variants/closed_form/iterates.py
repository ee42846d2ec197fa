"""Runs k exact steps from (b, 1) (stops at the minimum, where g = 0)."""

import numpy as np


def closed_form(b, k):
    A = np.diag([1.0, b])
    x = np.array([b, 1.0])
    for _ in range(k):
        g = A @ x
        if g @ g == 0:
            break
        x = x - (g @ g) / (g @ A @ g) * g
    return x
