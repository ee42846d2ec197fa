"""Counts every distinct eigenvalue, also those r0 has no component along."""
# diagnosis: costs no iteration
# mistake: cg_iterations/all-distinct

import numpy as np


def cg_iterations(eigenvalues, coefficients):
    return len(np.unique(eigenvalues))
