"""Makes batch_size batches instead of batches of batch_size indices."""
# diagnosis: makes batch_size batches instead of batches of batch_size indices
# mistake: minibatches/wrong-batch-size

import numpy as np


def minibatches(n, batch_size, rng):
    yield from np.array_split(rng.permutation(n), batch_size)
