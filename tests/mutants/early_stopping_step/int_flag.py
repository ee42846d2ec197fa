"""Returns stop as 0 or 1 instead of a bool."""
# diagnosis: must return stop as a bool (True or False), got int
# mistake: early_stopping_step/wrong-return-type

import numpy as np


def early_stopping_step(val_losses, patience):
    best = int(np.argmin(val_losses))
    return int(len(val_losses) - 1 - best >= patience), best
