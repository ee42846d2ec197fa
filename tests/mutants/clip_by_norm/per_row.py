"""Clips each row of a matrix on its own."""
# diagnosis: each row is clipped on its own
# mistake: clip_by_norm/per-row

import numpy as np


def clip_by_norm(g, max_norm):
    norms = np.linalg.norm(g, axis=-1, keepdims=True)
    return np.where(norms > max_norm, g * max_norm / np.maximum(norms, 1e-30), g)
