"""One more than the number of distinct touched eigenvalues."""
# diagnosis: a polynomial of degree k can vanish at k points
# mistake: cg_iterations/plus-one

import numpy as np


def cg_iterations(eigenvalues, coefficients):
    return len(np.unique(eigenvalues[coefficients != 0])) + 1
