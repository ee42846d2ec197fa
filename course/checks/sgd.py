"""Checks of lecture 03: ``sgd_step``, ``sgd_noise_floor``, ``linear_decay`` and ``minibatches``."""

from __future__ import annotations

import collections.abc
import math
from typing import Any, Callable

import numpy as np

from course import optim
from course.checks.common import (
    DTYPES,
    HIDDEN_NOTE,
    Case,
    Exercise,
    Mistake,
    calling,
    draw,
    dtype_name,
    pick,
    verify,
)
from course.checks.failure import MISSING_RETURN, WRONG_RETURN_TYPE, CheckFailed, mistake_id
from course.checks.own_work import refuse_course_references

# --- sgd_step -----------------------------------------------------------------------

SGD = Exercise(
    name="sgd_step",
    params=("theta", "g", "lr"),
    outputs=("theta",),
    reference=optim.sgd_step,
    formula="θ ← θ − ε g",
    mistakes=(
        Mistake("the sign is wrong: θ + εg climbs the loss (gradient ascent); step against the "
                "gradient, θ − εg", lambda theta, g, lr: theta + lr * g, slug="sign-error"),
        Mistake("the learning rate is applied twice (θ − ε²g)", lambda theta, g, lr: theta - lr * lr * g,
                slug="lr-twice"),
        Mistake("the learning rate is not applied (θ − g)", lambda theta, g, lr: theta - g, slug="lr-not-applied"),
        Mistake("it returns the step −εg instead of the new parameters θ − εg",
                lambda theta, g, lr: -lr * g, slug="returns-step"),
        Mistake("it returns θ unchanged: the update is computed but not returned",
                lambda theta, g, lr: theta, slug="returns-theta"),
    ),
)


def _sgd_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for dtype in DTYPES:
        for shape, what in (((5,), "a vector"), ((2, 3), "a matrix")):
            args = (draw(rng, shape, dtype), draw(rng, shape, dtype), pick(rng, 0.05, 0.5))
            cases.append(Case(f"for one step on {what} in {dtype_name(dtype)}", args, dtype=dtype))
    steps = 10
    grads = [draw(rng, (4,), np.float64) for _ in range(steps)]
    rates = [optim.linear_decay(k, 0.4, 0.004, steps - 1) for k in range(steps)]
    cases.append(Case(
        "for a run of steps with a decaying learning rate in float64",
        (draw(rng, (4,), np.float64), grads[0], rates[0]), steps=steps,
        advance=lambda k, args, out: (out[0], grads[k], rates[k]),
    ))
    return cases


def check_sgd_step(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``sgd_step(theta, g, lr)`` against θ ← θ − ε g.

    Parameters
    ----------
    fn : callable
        The student's function.
    seed : int
        Seed of the random inputs (hidden tests use their own).
    reveal : bool
        Whether a failure may show an example with inputs and expected values.

    Raises
    ------
    CheckFailed
        An AssertionError saying what is wrong and which common mistake it looks like.
    NotImplementedError
        Unchanged, while the exercise is not done.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    verify(SGD, fn, _sgd_cases(seed), reveal)


# --- sgd_noise_floor ----------------------------------------------------------------


def _floor(lam: float, lr: float, variance: float, contraction: float, guard: bool = True) -> float:
    """½ λ E[θ²] at the fixed point of E[θ²] ← c E[θ²] + ``variance`` (inf if c ≥ 1 and ``guard``)."""
    if guard and contraction >= 1:
        return math.inf
    return 0.5 * lam * variance / (1 - contraction)


NOISE_FLOOR = Exercise(
    name="sgd_noise_floor",
    params=("lam", "lr", "sigma", "m"),
    outputs=("floor",),
    reference=optim.sgd_noise_floor,
    formula="½ λ E[θ²] at the fixed point of E[θ²] ← (1 − ελ)² E[θ²] + ε² σ²/m (inf if ελ ≥ 2)",
    scalar=True,
    mistakes=(
        Mistake("the noise variance is σ², that of one example; a minibatch gradient averages m examples, "
                "so its noise has variance σ²/m",
                lambda lam, lr, sigma, m: _floor(lam, lr, lr**2 * sigma**2, (1 - lr * lam) ** 2), slug="no-batch"),
        Mistake("the noise enters the update multiplied by ε (θ ← (1 − ελ)θ − εξ), so each step adds the "
                "variance ε²σ²/m, not σ²/m",
                lambda lam, lr, sigma, m: _floor(lam, lr, sigma**2 / m, (1 - lr * lam) ** 2), slug="no-lr-on-noise"),
        Mistake("σ/√m is the noise's standard deviation; the recursion adds its variance ε²σ²/m",
                lambda lam, lr, sigma, m: _floor(lam, lr, lr**2 * sigma / math.sqrt(m), (1 - lr * lam) ** 2),
                slug="std-for-variance"),
        Mistake("it returns E[θ²], the spread of θ; the expected excess loss is ½ λ E[θ²]",
                lambda lam, lr, sigma, m: _floor(lam, lr, lr**2 * sigma**2 / m, (1 - lr * lam) ** 2) * 2 / lam,
                slug="returns-variance"),
        Mistake("the factor (1 − ελ) is not squared: E[θ²] is multiplied by (1 − ελ)² per step",
                lambda lam, lr, sigma, m: _floor(lam, lr, lr**2 * sigma**2 / m, 1 - lr * lam), slug="not-squared"),
        Mistake("it is the small-ε approximation εσ²/(4m); keep the exact factor (1 − ελ)², which matters "
                "when ελ is not small", lambda lam, lr, sigma, m: lr * sigma**2 / (4 * m), slug="small-lr"),
        Mistake("for ελ ≥ 2 SGD diverges (|1 − ελ| ≥ 1): there is no floor, return math.inf",
                lambda lam, lr, sigma, m: _floor(lam, lr, lr**2 * sigma**2 / m, (1 - lr * lam) ** 2, guard=False)
                if lr * lam != 2 else math.inf, slug="no-divergence"),
    ),
)


def _floor_case(label: str, calls: list[tuple[float, float, float, int]]) -> Case:
    return Case(label, calls[0], steps=len(calls), advance=lambda k, args, out: calls[k])


def _noise_floor_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)

    def calls(low: float, high: float, count: int) -> list[tuple[float, float, float, int]]:
        found = []
        for _ in range(count):
            lam = pick(rng, 0.2, 5.0, 2)
            lr = float(f"{float(rng.uniform(low, high)) / lam:.3g}")
            found.append((lam, lr, pick(rng, 0.2, 3.0, 2), int(2 ** rng.integers(1, 9))))
        return found

    return [
        _floor_case("for small steps (ελ well below 1)", calls(0.01, 0.2, 4)),
        _floor_case("for large stable steps (ελ between 1/2 and 2)", calls(0.5, 1.9, 4)),
        _floor_case("for steps too large to be stable (ελ > 2)", calls(2.1, 3.0, 2)),
    ]


def check_sgd_noise_floor(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``sgd_noise_floor(lam, lr, sigma, m) -> float``: the excess loss
    ε σ² / (2 m (2 − ελ)) at which SGD with a constant rate settles on ½ λ θ² when the
    gradient carries noise of variance σ²/m; ``math.inf`` for ελ ≥ 2.

    Parameters, errors: as :func:`check_sgd_step`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    verify(NOISE_FLOOR, fn, _noise_floor_cases(seed), reveal)


# --- linear_decay -------------------------------------------------------------------


def _decay(alpha: float, eps0: float, eps_tau: float) -> float:
    return (1 - alpha) * eps0 + alpha * eps_tau


_OFF_BY_ONE = ("an off-by-one in α: use α = k/τ, so that ε₀ is the rate of step 0 and ε_τ is "
               "reached exactly at k = τ")

DECAY = Exercise(
    name="linear_decay",
    params=("k", "eps0", "eps_tau", "tau"),
    outputs=("eps_k",),
    reference=optim.linear_decay,
    formula="ε_k = (1 − α) ε₀ + α ε_τ with α = k/τ for k ≤ τ, and ε_k = ε_τ for k > τ",
    scalar=True,
    mistakes=(
        Mistake("the rate keeps decaying after step τ (no clamp) and even turns negative: for k > τ "
                "it must stay at ε_τ (α = min(k/τ, 1))",
                lambda k, eps0, eps_tau, tau: _decay(k / tau, eps0, eps_tau), slug="no-clamp"),
        Mistake("the schedule is inverted: it increases from ε_τ to ε₀, but ε_k = (1 − α) ε₀ + α ε_τ "
                "starts at ε₀ (k = 0) and ends at ε_τ (k = τ)",
                lambda k, eps0, eps_tau, tau: _decay(min(k / tau, 1), eps_tau, eps0), slug="inverted"),
        Mistake(_OFF_BY_ONE, lambda k, eps0, eps_tau, tau: _decay(min((k + 1) / tau, 1), eps0, eps_tau),
                slug="off-by-one"),
        Mistake(_OFF_BY_ONE, lambda k, eps0, eps_tau, tau: _decay(min((k - 1) / tau, 1), eps0, eps_tau),
                slug="off-by-one"),
        Mistake(_OFF_BY_ONE, lambda k, eps0, eps_tau, tau: _decay(min(k / (tau + 1), 1), eps0, eps_tau),
                slug="off-by-one"),
        Mistake("α is computed with integer division (k // τ), so the rate jumps from ε₀ to ε_τ "
                "instead of decaying linearly",
                lambda k, eps0, eps_tau, tau: _decay(min(k // tau, 1), eps0, eps_tau), slug="integer-division"),
        Mistake("the rate goes back to ε₀ after step τ; for k > τ it must stay at ε_τ",
                lambda k, eps0, eps_tau, tau: eps0 if k > tau else _decay(k / tau, eps0, eps_tau),
                slug="goes-back-up"),
    ),
)


def _decay_case(label: str, ks: list[int], eps0: float, eps_tau: float, tau: int) -> Case:
    return Case(label, (ks[0], eps0, eps_tau, tau), steps=len(ks),
                advance=lambda k, args, out: (ks[k], *args[1:]))


def _decay_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    tau = int(rng.integers(6, 21))
    eps0 = pick(rng, 0.05, 1.0)
    long_tau = int(rng.integers(500, 2000))
    long_ks = [0, 1, 2, long_tau // 2, long_tau - 1, long_tau, long_tau + 1, 3 * long_tau]
    return [
        _decay_case("for k = 0, 1, …, 3τ with a short decay", list(range(3 * tau + 1)),
                    eps0, round(eps0 * pick(rng, 0.005, 0.05), 6), tau),
        _decay_case("at a few steps around τ of a long decay", long_ks,
                    pick(rng, 0.05, 1.0), pick(rng, 0.001, 0.01, 4), long_tau),
        _decay_case("for τ = 1", [0, 1, 2, 5], pick(rng, 0.05, 1.0), pick(rng, 0.001, 0.01, 4), 1),
    ]


def check_linear_decay(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``linear_decay(k, eps0, eps_tau, tau)``.

    ε_k = (1 − α) ε₀ + α ε_τ with α = k/τ for k ≤ τ, and ε_k = ε_τ for k > τ.
    Parameters, errors: as :func:`check_sgd_step`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    verify(DECAY, fn, _decay_cases(seed), reveal)


# --- minibatches --------------------------------------------------------------------


def _not_a_generator(result: Any) -> CheckFailed:
    """The failure of a ``minibatches`` that returned ``result`` instead of yielding batches."""
    if result is None:
        return CheckFailed("minibatches returned None; it must yield index arrays (use `yield`).",
                           mistake_id("minibatches", MISSING_RETURN))
    return CheckFailed(
        f"minibatches returned a {type(result).__name__}; it must be a generator that yields the "
        "batches one at a time, as its docstring says: `yield` each batch in the loop instead of "
        "collecting the batches and returning them.",
        mistake_id("minibatches", "returns-list"),
    )


def _epoch(fn: Callable, n: int, batch_size: int, seed: int, reveal: bool) -> list[np.ndarray]:
    """The batches of one call of the student's ``minibatches``, checked to be yielded
    1-D NumPy arrays of integers."""
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    rng_text = f"np.random.default_rng({seed})" if reveal else "rng"
    text = f"minibatches({n}, {batch_size}, {rng_text})" if reveal else "minibatches(n, batch_size, rng)"
    with calling("minibatches", text):
        result = fn(n, batch_size, np.random.default_rng(seed))
    if not isinstance(result, collections.abc.Iterator):
        raise _not_a_generator(result)
    with calling("minibatches", text):
        batches = list(result)
    for batch in batches:
        if not isinstance(batch, np.ndarray):
            raise CheckFailed(
                f"minibatches must yield NumPy arrays of indices (e.g. slices of rng.permutation(n)); "
                f"it yielded a {type(batch).__name__}.",
                mistake_id("minibatches", WRONG_RETURN_TYPE),
            )
        if batch.ndim != 1 or not np.issubdtype(batch.dtype, np.integer):
            raise CheckFailed(
                "minibatches must yield 1-D arrays of integer indices (e.g. slices of "
                f"rng.permutation(n)); it yielded an array of shape {batch.shape} and dtype {batch.dtype}.",
                mistake_id("minibatches", WRONG_RETURN_TYPE),
            )
    return batches


def _failure(problem: str, slug: str, when: str, example: str, reveal: bool) -> CheckFailed:
    tail = example if reveal else HIDDEN_NOTE
    return CheckFailed(f"minibatches {problem}.\nSeen {when}.\n{tail}", mistake_id("minibatches", slug))


def _is_block(batch: np.ndarray) -> bool:
    return batch.size > 1 and bool(np.all(np.diff(batch) == 1))


def _check_epoch(fn: Callable, n: int, batch_size: int, seed: int, when: str, reveal: bool) -> None:
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    batches = _epoch(fn, n, batch_size, seed, reveal)
    sizes = [len(b) for b in batches]
    indices = np.concatenate(batches) if batches else np.zeros(0, dtype=int)
    wanted = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    example = (
        f"Example: minibatches({n}, {batch_size}, np.random.default_rng({seed})) yielded batches of "
        f"sizes {sizes}:\n    {[b.tolist() for b in batches]}\n"
        f"  expected batches of sizes {wanted} holding each index 0, …, {n - 1} exactly once, shuffled."
    )
    if np.any((indices < 0) | (indices >= n)):
        raise _failure("yields indices outside 0, …, n − 1", "indices-out-of-range", when, example, reveal)
    if len(np.unique(indices)) < len(indices):
        raise _failure(
            "samples with replacement: an index appears twice in one epoch (duplicates). "
            "Shuffle once, `rng.permutation(n)`, and cut the result into batches", "with-replacement",
            when, example, reveal)
    if n >= 10 and np.array_equal(indices, np.arange(n)):
        raise _failure("is not shuffled: the indices come in sorted order; shuffle them with "
                       "rng.permutation(n)", "not-shuffled", when, example, reveal)
    if 1 < batch_size < n and all(_is_block(b) for b in batches if b.size > 1):
        raise _failure("shuffles only the order of the batches, each batch being a block of consecutive "
                       "indices; shuffle the indices themselves, rng.permutation(n)", "shuffles-batch-order",
                       when, example, reveal)
    if sizes != wanted:
        if n % batch_size and sizes == wanted[:-1]:
            problem, slug = ("drops the last partial batch: when batch_size does not divide n, the last "
                             "batch holds the remaining n % batch_size indices"), "drops-last-batch"
        elif sizes == [len(part) for part in np.array_split(np.arange(n), batch_size)]:
            problem, slug = ("has the wrong batch size: it makes batch_size batches instead of batches of "
                             "batch_size indices"), "wrong-batch-size"
        else:
            problem, slug = ("has the wrong batch size: every batch must hold batch_size indices, except a "
                             "smaller last one when batch_size does not divide n"), "irregular-batch-sizes"
        raise _failure(problem, slug, when, example, reveal)


def check_minibatches(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``minibatches(n, batch_size, rng)``, a generator of one shuffled epoch.

    It must return an iterator (a generator) of 1-D NumPy integer arrays; every index
    0, …, n − 1 appears exactly once (no replacement), in batches of ``batch_size``
    except a smaller last one, in an order drawn from ``rng`` (the same seed gives the
    same batches, another seed other batches); its code does not use the course package.
    Parameters, errors: as :func:`check_sgd_step`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    if not callable(fn):
        raise CheckFailed(f"pass your function minibatches itself, got {type(fn).__name__}")
    refuse_course_references(fn)
    rng = np.random.default_rng(seed)
    batch_size = int(rng.integers(3, 8))
    n = int(rng.integers(23, 41))
    n += n % batch_size == 0
    seeds = [int(s) for s in rng.integers(0, 10_000, 6)]
    _check_epoch(fn, n, batch_size, seeds[0], "when batch_size does not divide n", reveal)
    _check_epoch(fn, batch_size * int(rng.integers(4, 7)), batch_size, seeds[1],
                 "when batch_size divides n", reveal)
    _check_epoch(fn, n, n + int(rng.integers(1, 5)), seeds[2], "when batch_size is larger than n", reveal)
    _check_epoch(fn, n, 1, seeds[3], "for batch_size 1", reveal)
    _check_epoch(fn, 1, batch_size, seeds[4], "for a single example (n = 1)", reveal)

    same = [_epoch(fn, n, batch_size, seeds[5], reveal) for _ in range(2)]
    other = _epoch(fn, n, batch_size, seeds[5] + 1, reveal)

    def equal(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
        return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))

    if not equal(*same):
        raise CheckFailed(
            "minibatches ignores rng: two generators with the same seed gave different batches, so a run "
            "cannot be reproduced. Draw the shuffle from the `rng` argument (rng.permutation(n)), not "
            "from np.random's global functions or a new generator.",
            mistake_id("minibatches", "global-random"),
        )
    if equal(same[0], other):
        raise CheckFailed(
            "minibatches ignores rng: generators with different seeds gave the same batches. Draw the "
            "shuffle from the `rng` argument (rng.permutation(n)), not from a generator with a fixed seed.",
            mistake_id("minibatches", "fixed-seed"),
        )


__all__ = ["check_linear_decay", "check_minibatches", "check_sgd_noise_floor", "check_sgd_step"]
