"""Gradient descent's best step 2/(lam_min + lam_max) with the optimal alpha."""
# diagnosis: ε = 2/(λ_min + λ_max) is gradient descent's best step
# mistake: optimal_momentum/gradient-descent-step

import math


def optimal_momentum(lam_min, lam_max):
    root = math.sqrt(lam_max / lam_min)
    return 2 / (lam_min + lam_max), ((root - 1) / (root + 1)) ** 2
