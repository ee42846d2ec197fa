"""The book's algorithm 7.1: a counter j of evaluations without improvement."""


def early_stopping_step(val_losses, patience):
    best_loss, best_step, j = float("inf"), 0, 0
    for step, loss in enumerate(val_losses):
        if loss < best_loss:
            best_loss, best_step, j = loss, step, 0
        else:
            j += 1
    return j >= patience, best_step
