"""Divides by the squared norm."""
# diagnosis: the norm is squared
# mistake: clip_by_norm/squared-norm

import numpy as np


def clip_by_norm(g, max_norm):
    norm2 = np.sum(g**2)
    if np.sqrt(norm2) > max_norm:
        return g * max_norm / norm2
    return g
