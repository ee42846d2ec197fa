"""Stops where the steepest coordinate starts to zig-zag."""
# diagnosis: 1/λ_max is where the steepest coordinate starts to flip sign
# mistake: largest_stable_lr/one-over-lambda-max

import numpy as np


def largest_stable_lr(H):
    return 1.0 / np.linalg.eigvalsh(H).max()
