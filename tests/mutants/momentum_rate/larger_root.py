"""The larger real root, not the one of larger modulus."""
# diagnosis: the larger root is not the larger modulus
# mistake: momentum_rate/larger-root

import math


def momentum_rate(lam, lr, alpha):
    t = 1 + alpha - lr * lam
    discriminant = t * t - 4 * alpha
    if discriminant < 0:
        return math.sqrt(alpha)
    return (t + math.sqrt(discriminant)) / 2
