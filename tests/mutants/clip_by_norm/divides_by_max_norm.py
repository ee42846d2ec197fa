"""Divides by max_norm instead of multiplying by max_norm / ‖g‖."""
# diagnosis: g is divided by max_norm
# mistake: clip_by_norm/divides-by-max-norm

import numpy as np


def clip_by_norm(g, max_norm):
    if np.linalg.norm(g) > max_norm:
        return g / max_norm
    return g
