"""Returns a copy of an unclipped gradient instead of g itself (both are right)."""

import numpy as np


def clip_by_norm(g, max_norm):
    norm = np.sqrt(np.sum(g.astype(np.float64) ** 2))
    if norm <= max_norm:
        return g.copy()
    return (g * (max_norm / norm)).astype(g.dtype)
