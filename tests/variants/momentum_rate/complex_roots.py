"""The quadratic formula in complex arithmetic (cmath), then the larger modulus."""

import cmath


def momentum_rate(lam, lr, alpha):
    b = -(1 + alpha - lr * lam)
    root = cmath.sqrt(b * b - 4 * alpha)
    return max(abs((-b + root) / 2), abs((-b - root) / 2))
