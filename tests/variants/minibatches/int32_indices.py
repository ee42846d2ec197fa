"""Yields int32 copies of the batches."""

import numpy as np


def minibatches(n, batch_size, rng):
    order = rng.permutation(n).astype(np.int32)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size].copy()
