"""np.roots of z^2 - (1 + alpha - lr lam) z + alpha, largest modulus."""

import numpy as np


def momentum_rate(lam, lr, alpha):
    return max(abs(z) for z in np.roots([1.0, -(1 + alpha - lr * lam), alpha]))
