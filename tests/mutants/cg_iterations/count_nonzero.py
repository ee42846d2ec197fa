"""Counts the eigenvectors r0 touches, repeated eigenvalues once each."""
# diagnosis: a repeated eigenvalue costs one iteration
# mistake: cg_iterations/count-nonzero

import numpy as np


def cg_iterations(eigenvalues, coefficients):
    return int(np.count_nonzero(coefficients))
