"""Collects the batches in a list and returns it instead of yielding them."""
# diagnosis: returned a list; it must be a generator
# mistake: minibatches/returns-list


def minibatches(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[start:start + batch_size] for start in range(0, n, batch_size)]
