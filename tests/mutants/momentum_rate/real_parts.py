"""np.roots of the characteristic polynomial, then the largest |real part|."""
# diagnosis: the real parts of complex eigenvalues instead of their moduli
# mistake: momentum_rate/real-parts

import numpy as np


def momentum_rate(lam, lr, alpha):
    roots = np.roots([1.0, -(1 + alpha - lr * lam), alpha])
    return float(np.max(np.abs(roots.real)))
