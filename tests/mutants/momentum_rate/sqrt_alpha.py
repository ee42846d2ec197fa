"""sqrt(alpha) in every regime, real eigenvalues included."""
# diagnosis: √α is the rate only when the eigenvalues are complex
# mistake: momentum_rate/sqrt-alpha

import math


def momentum_rate(lam, lr, alpha):
    return math.sqrt(alpha)
