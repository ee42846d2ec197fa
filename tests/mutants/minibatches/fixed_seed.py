"""Ignores rng and shuffles with a generator of fixed seed."""
# diagnosis: ignores rng: generators with different seeds gave the same batches
# mistake: minibatches/fixed-seed

import numpy as np


def minibatches(n, batch_size, rng):
    order = np.random.default_rng(42).permutation(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]
