"""Compares each loss with the previous one instead of the best so far."""
# diagnosis: compared with the previous one rather than with the best so far
# mistake: early_stopping_step/against-previous

import numpy as np


def early_stopping_step(val_losses, patience):
    best = int(np.argmin(val_losses))
    recent = val_losses[-patience - 1:]
    worse = len(recent) == patience + 1 and all(b >= a for a, b in zip(recent, recent[1:]))
    return worse, best
