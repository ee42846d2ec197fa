"""Where the eigenvalues become real again, (1 + sqrt(alpha))^2 / lam."""
# diagnosis: (1 + √α)²/λ is where the eigenvalues turn real again
# mistake: largest_stable_momentum_lr/critical-damping

import math


def largest_stable_momentum_lr(lam, alpha):
    return (1 + math.sqrt(alpha)) ** 2 / lam
