"""Drops the last partial batch."""
# diagnosis: drops the last partial batch
# mistake: minibatches/drops-last-batch


def minibatches(n, batch_size, rng):
    order = rng.permutation(n)
    for start in range(0, n - batch_size + 1, batch_size):
        yield order[start:start + batch_size]
