"""Shuffles only the order of the batches, not the indices."""
# diagnosis: shuffles only the order of the batches
# mistake: minibatches/shuffles-batch-order

import numpy as np


def minibatches(n, batch_size, rng):
    starts = rng.permutation(np.arange(0, n, batch_size))
    for start in starts:
        yield np.arange(start, min(start + batch_size, n))
