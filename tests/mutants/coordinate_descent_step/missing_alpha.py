"""α is missing: x₁ ← x₂, x₂ ← x₁."""
# diagnosis: α is missing
# mistake: coordinate_descent_step/missing-alpha
import numpy as np


def coordinate_descent_step(x, alpha):
    x1 = x[1]
    x2 = x1
    return np.array([x1, x2], dtype=x.dtype)
