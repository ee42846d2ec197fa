"""One less: counts p(0) = 1 as a root."""
# diagnosis: p(0) = 1 takes no root
# mistake: cg_iterations/minus-one

import numpy as np


def cg_iterations(eigenvalues, coefficients):
    return max(len(np.unique(eigenvalues[coefficients != 0])) - 1, 0)
