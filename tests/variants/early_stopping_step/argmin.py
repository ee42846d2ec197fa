"""np.argmin returns the first index of the smallest value."""

import numpy as np


def early_stopping_step(val_losses, patience):
    best_step = int(np.argmin(val_losses))
    stop = len(val_losses) - 1 - best_step >= patience
    return stop, best_step
