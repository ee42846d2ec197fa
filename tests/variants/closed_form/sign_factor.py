"""Writes (-rho)^k as (-1)^k rho^k."""

import numpy as np


def closed_form(b, k):
    rho = (b - 1) / (b + 1)
    return np.array([b * rho**k, (-1) ** k * rho**k])
