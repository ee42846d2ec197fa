"""list.index of the minimum, with numpy bools."""

import numpy as np


def early_stopping_step(val_losses, patience):
    best_step = list(val_losses).index(min(val_losses))
    return np.bool_(len(val_losses) - best_step > patience), best_step
