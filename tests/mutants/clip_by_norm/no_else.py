"""Returns nothing when the gradient is short enough (the else branch is missing)."""
# diagnosis: returned None for g (is `return` missing?)
# mistake: clip_by_norm/missing-return

import numpy as np


def clip_by_norm(g, max_norm):
    norm = np.linalg.norm(g)
    if norm > max_norm:
        return g * (max_norm / norm)
