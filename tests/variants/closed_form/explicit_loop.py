"""Multiplies by rho k times in a loop."""

import numpy as np


def closed_form(b, k):
    rho = (b - 1) / (b + 1)
    x, y = b, 1.0
    for _ in range(k):
        x, y = x * rho, -y * rho
    return np.array([x, y])
