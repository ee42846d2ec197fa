"""Beyond twice the best step ε* = gᵀg / gᵀHg, when the curvature is positive."""

import numpy as np


def step_increases_cost(g, H, eps):
    gHg = float(np.dot(g, H.dot(g)))
    if gHg <= 0:
        return False
    return eps > 2 * float(np.dot(g, g)) / gHg
