"""Uses the smallest eigenvalue."""
# diagnosis: 2/λ_min keeps only the flattest coordinate stable
# mistake: largest_stable_lr/lambda-min

import numpy as np


def largest_stable_lr(H):
    return 2.0 / np.linalg.eigvalsh(H)[0]
