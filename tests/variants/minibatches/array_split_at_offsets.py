"""np.array_split at the offsets batch_size, 2 batch_size, …; choice without replacement."""

import numpy as np


def minibatches(n, batch_size, rng):
    order = rng.choice(n, size=n, replace=False)
    yield from np.array_split(order, range(batch_size, n, batch_size))
