"""Uses rho^(2k), the rate of f, for the iterates."""
# diagnosis: ρ²ᵏ is the rate of f
# mistake: closed_form/rate-of-f

import numpy as np


def closed_form(b, k):
    rho = (b - 1) / (b + 1)
    return np.array([b * rho ** (2 * k), rho ** (2 * k)])
