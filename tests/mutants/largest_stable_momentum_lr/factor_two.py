"""(1 + alpha)/lam: the factor 2 lost."""
# diagnosis: a factor 2 is missing
# mistake: largest_stable_momentum_lr/factor-two


def largest_stable_momentum_lr(lam, alpha):
    return (1 + alpha) / lam
