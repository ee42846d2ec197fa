"""Divides by the trace."""
# diagnosis: the trace is the sum of all eigenvalues
# mistake: largest_stable_lr/trace

import numpy as np


def largest_stable_lr(H):
    return 2.0 / np.trace(H)
