"""Groups eigenvalues equal to rounding (np.isclose), as one would for computed ones."""

import numpy as np


def cg_iterations(eigenvalues, coefficients):
    groups = []
    for lam in eigenvalues[coefficients != 0]:
        if not any(np.isclose(lam, g, rtol=1e-12, atol=0) for g in groups):
            groups.append(lam)
    return len(groups)
