"""rho = (1 - b)/(1 + b), positive: the wrong sign."""
# diagnosis: ρ has the wrong sign
# mistake: closed_form/rho-sign

import numpy as np


def closed_form(b, k):
    rho = (1 - b) / (1 + b)
    return np.array([b * rho**k, (-rho) ** k])
