"""Gradient descent's limit 2/lam, momentum ignored."""
# diagnosis: 2/λ is gradient descent's limit
# mistake: largest_stable_momentum_lr/gradient-descent


def largest_stable_momentum_lr(lam, alpha):
    return 2 / lam
