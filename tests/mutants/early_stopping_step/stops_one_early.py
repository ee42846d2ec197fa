"""Off by one: counts the best evaluation too, so it stops one evaluation early."""
# diagnosis: an off-by-one in the patience
# mistake: early_stopping_step/off-by-one-patience

import numpy as np


def early_stopping_step(val_losses, patience):
    best = int(np.argmin(val_losses))
    return len(val_losses) - best >= patience, best
