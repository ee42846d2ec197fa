"""g · min(1, max_norm / ‖g‖), with a guard for g = 0."""

import math

import numpy as np


def clip_by_norm(g, max_norm):
    norm = math.sqrt(float(np.sum(g * g)))
    if norm == 0:
        return g.copy()
    return g * min(1.0, max_norm / norm)
