"""Returns a generator expression instead of being a generator function."""


def minibatches(n, batch_size, rng):
    order = rng.permutation(n)
    return (order[start:start + batch_size] for start in range(0, n, batch_size))
