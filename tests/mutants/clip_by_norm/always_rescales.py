"""Rescales to the norm max_norm even when g is shorter."""
# diagnosis: g is rescaled to the norm max_norm even when ‖g‖ < max_norm
# mistake: clip_by_norm/always-rescales

import numpy as np


def clip_by_norm(g, max_norm):
    return g * max_norm / np.linalg.norm(g)
