"""(I - rho y s') M (I - rho s y'): the outer products transposed."""
# diagnosis: the outer products are transposed
# mistake: bfgs_inverse_update/transposed

import numpy as np


def bfgs_inverse_update(M, s, y):
    if y @ s <= 0:
        return M
    rho = 1.0 / (y @ s)
    I = np.eye(len(s))
    return (I - rho * np.outer(y, s)) @ M @ (I - rho * np.outer(s, y)) + rho * np.outer(s, s)
