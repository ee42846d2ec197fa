"""Samples with replacement: indices repeat within an epoch."""
# diagnosis: samples with replacement
# mistake: minibatches/with-replacement


def minibatches(n, batch_size, rng):
    for start in range(0, n, batch_size):
        yield rng.integers(0, n, size=min(batch_size, n - start))
