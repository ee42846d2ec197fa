"""Only a gradient longer than max_norm is rescaled."""

import numpy as np


def clip_by_norm(g, max_norm):
    norm = np.linalg.norm(g)
    if norm > max_norm:
        return g * (max_norm / norm)
    return g
