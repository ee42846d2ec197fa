"""Batches of batch_size - 1 indices (slice off by one)."""
# diagnosis: has the wrong batch size: every batch must hold batch_size indices
# mistake: minibatches/irregular-batch-sizes


def minibatches(n, batch_size, rng):
    order = rng.permutation(n)
    for start in range(0, n, batch_size - 1):
        yield order[start:start + batch_size - 1]
