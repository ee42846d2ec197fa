"""Rescales to the norm max_norm even when g is shorter."""

import numpy as np


def clip_by_norm(g, max_norm):
    return g * max_norm / np.linalg.norm(g)
