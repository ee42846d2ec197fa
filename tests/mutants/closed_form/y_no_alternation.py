"""y_k = rho^k: the alternating sign is lost."""
# diagnosis: the sign of y alternates
# mistake: closed_form/y-no-alternation

import numpy as np


def closed_form(b, k):
    rho = (b - 1) / (b + 1)
    return np.array([b * rho**k, rho**k])
