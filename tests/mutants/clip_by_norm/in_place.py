"""Rescales g in place."""
# diagnosis: modified its argument `g` in place
# mistake: clip_by_norm/in-place

import numpy as np


def clip_by_norm(g, max_norm):
    norm = np.linalg.norm(g)
    if norm > max_norm:
        g *= max_norm / norm
    return g
