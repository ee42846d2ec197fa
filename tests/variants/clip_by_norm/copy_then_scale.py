"""Copies g, then scales the copy in place."""

import numpy as np


def clip_by_norm(g, max_norm):
    clipped = g.copy()
    norm = np.sqrt(np.sum(g**2))
    if norm > max_norm:
        clipped *= max_norm / norm
    return clipped
