"""Nesterov momentum's limit."""
# diagnosis: Nesterov momentum's limit
# mistake: largest_stable_momentum_lr/nesterov


def largest_stable_momentum_lr(lam, alpha):
    return 2 * (1 + alpha) / ((1 + 2 * alpha) * lam)
