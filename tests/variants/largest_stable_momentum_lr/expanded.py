"""2/lam + 2 alpha/lam: another order of operations."""


def largest_stable_momentum_lr(lam, alpha):
    return 2 / lam + 2 * alpha / lam
