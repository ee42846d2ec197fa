"""x₁ ← x₂/α instead of x₂/(1 + α)."""
# diagnosis: It looks like x₁ ← x₂/α
# mistake: coordinate_descent_step/divides-by-alpha
import numpy as np


def coordinate_descent_step(x, alpha):
    x1 = x[1] / alpha
    x2 = x1 / alpha
    return np.array([x1, x2], dtype=x.dtype)
