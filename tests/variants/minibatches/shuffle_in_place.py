"""rng.shuffle of an arange, then a while loop over the batches."""

import numpy as np


def minibatches(n, batch_size, rng):
    indices = np.arange(n)
    rng.shuffle(indices)
    start = 0
    while start < n:
        yield indices[start:start + batch_size]
        start += batch_size
