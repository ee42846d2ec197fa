"""Ignores rng and shuffles with NumPy's global random state."""
# diagnosis: ignores rng: two generators with the same seed gave different batches
# mistake: minibatches/global-random

import numpy as np


def minibatches(n, batch_size, rng):
    order = np.random.permutation(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]
