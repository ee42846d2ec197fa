"""Random minibatches: shuffle, then pass over the data once per epoch."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from course import validation as check


def minibatches(
    n: int, batch_size: int, rng: np.random.Generator | int | None = None
) -> Iterator[np.ndarray]:
    """Yield the indices of one epoch of shuffled minibatches.

    The indices 0, …, n − 1 are shuffled once, then cut into consecutive
    batches of ``batch_size``; every index appears exactly once, and the last
    batch is smaller when ``batch_size`` does not divide ``n``. Sampling
    *without* replacement is what makes a pass an epoch.

    Indices are NumPy integers on the host by design (they index the data,
    whatever library holds it); this function is not array-API generic.

    Parameters
    ----------
    n : int
        Number of examples, ≥ 1.
    batch_size : int
        Minibatch size m, ≥ 1.
    rng : numpy.random.Generator or int or None
        Source of randomness (an int is a seed).

    Yields
    ------
    numpy.ndarray
        The int64 indices of one minibatch.
    """
    n = check.integer("n", n, minimum=1)
    batch_size = check.integer("batch_size", batch_size, minimum=1)
    if not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(rng)
    order = rng.permutation(n)
    for start in range(0, n, batch_size):
        yield order[start : start + batch_size]
