"""Updates even when y's <= 0."""
# diagnosis: no curvature check
# mistake: bfgs_inverse_update/no-curvature-check

import numpy as np


def bfgs_inverse_update(M, s, y):
    rho = 1.0 / (y @ s)
    I = np.eye(len(s))
    return (I - rho * np.outer(s, y)) @ M @ (I - rho * np.outer(y, s)) + rho * np.outer(s, s)
