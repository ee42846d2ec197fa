"""Returns the last step instead of the best."""
# diagnosis: returns the last step instead of the best
# mistake: early_stopping_step/returns-last-step

import numpy as np


def early_stopping_step(val_losses, patience):
    best = int(np.argmin(val_losses))
    return len(val_losses) - 1 - best >= patience, len(val_losses) - 1
