"""Reasons with the effective rate lr/(1 - alpha) < 2/lam."""
# diagnosis: the effective learning rate ε/(1 − α) of a constant slope does not set the limit
# mistake: largest_stable_momentum_lr/effective-rate


def largest_stable_momentum_lr(lam, alpha):
    return 2 * (1 - alpha) / lam
