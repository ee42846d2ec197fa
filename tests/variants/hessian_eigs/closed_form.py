"""The 2×2 eigenpairs in closed form: λ = (a + b)/2 ∓ √(((a − b)/2)² + c²)."""

import numpy as np


def hessian_eigs(w1, w2):
    a, b, c = 2 * w2**2, 2 * w1**2, 4 * w1 * w2 - 2
    mid, radius = (a + b) / 2, np.hypot((a - b) / 2, c)
    lam = np.array([mid - radius, mid + radius])
    vectors = [np.array([c, l - a]) if abs(c) > 1e-12 else np.array([1.0, 0.0] if abs(l - a) < 1e-12 else [0.0, 1.0])
               for l in lam]
    U = np.stack([v / np.linalg.norm(v) for v in vectors], axis=1)
    return lam, U
