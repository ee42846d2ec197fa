"""Returns an unclipped gradient as a new float64 array (np.array(g, dtype=float))."""
# diagnosis: returned g as float64 for float32 inputs; keep the inputs' dtype
# mistake: clip_by_norm/wrong-dtype

import numpy as np


def clip_by_norm(g, max_norm):
    norm = np.linalg.norm(g)
    if norm > max_norm:
        return g * (max_norm / norm)
    return np.array(g, dtype=float)
