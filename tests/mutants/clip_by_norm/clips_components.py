"""Clips each component to [−max_norm, max_norm]."""
# diagnosis: each component is clipped to [−max_norm, max_norm]
# mistake: clip_by_norm/clips-components

import numpy as np


def clip_by_norm(g, max_norm):
    return np.clip(g, -max_norm, max_norm)
