"""Sorts the touched eigenvalues and counts where they change."""

import numpy as np


def cg_iterations(eigenvalues, coefficients):
    touched = np.sort(eigenvalues[np.abs(coefficients) > 0])
    if touched.size == 0:
        return 0
    return 1 + int(np.sum(np.diff(touched) != 0))
