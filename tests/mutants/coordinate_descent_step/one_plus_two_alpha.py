"""Drops the 2 of d(x₁ − x₂)²/dx₁: x₁ ← x₂/(1 + 2α)."""
# diagnosis: It looks like x₁ ← x₂/(1 + 2α)
# mistake: coordinate_descent_step/one-plus-two-alpha
import numpy as np


def coordinate_descent_step(x, alpha):
    x1 = x[1] / (1 + 2 * alpha)
    x2 = x1 / (1 + 2 * alpha)
    return np.array([x1, x2], dtype=x.dtype)
