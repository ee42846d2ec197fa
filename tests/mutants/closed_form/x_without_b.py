"""x_k = rho^k, without the factor b."""
# diagnosis: x_k misses the factor b
# mistake: closed_form/x-without-b

import numpy as np


def closed_form(b, k):
    rho = (b - 1) / (b + 1)
    return np.array([rho**k, (-rho) ** k])
