"""The matrix of theta <- theta + v with the old velocity: [[1, 1], [-lr lam, alpha]]."""
# diagnosis: θ is updated with the old velocity
# mistake: momentum_rate/old-velocity

import numpy as np


def momentum_rate(lam, lr, alpha):
    M = np.array([[1.0, 1.0], [-lr * lam, alpha]])
    return float(np.max(np.abs(np.linalg.eigvals(M))))
