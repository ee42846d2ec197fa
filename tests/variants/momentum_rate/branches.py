"""Three regimes written out: complex (sqrt(alpha)), real positive, real negative."""

import math


def momentum_rate(lam, lr, alpha):
    t = 1 + alpha - lr * lam
    d = t * t - 4 * alpha
    if d <= 0:
        return math.sqrt(alpha)
    if t >= 0:
        return (t + math.sqrt(d)) / 2
    return (-t + math.sqrt(d)) / 2
