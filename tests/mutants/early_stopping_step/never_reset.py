"""Counts every evaluation without improvement, never resetting the count at a new best."""
# diagnosis: is not reset when the loss improves
# mistake: early_stopping_step/never-reset


def early_stopping_step(val_losses, patience):
    best, misses = 0, 0
    for step in range(1, len(val_losses)):
        if val_losses[step] < val_losses[best]:
            best = step
        else:
            misses += 1
    return misses >= patience, best
