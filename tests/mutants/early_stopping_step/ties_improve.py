"""A loss equal to the best counts as an improvement (<=)."""
# diagnosis: a loss equal to the best counts as an improvement
# mistake: early_stopping_step/ties-improve


def early_stopping_step(val_losses, patience):
    best = 0
    for step, loss in enumerate(val_losses):
        if loss <= val_losses[best]:
            best = step
    return len(val_losses) - 1 - best >= patience, best
