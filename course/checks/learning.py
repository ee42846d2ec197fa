"""Checks of lecture 01: ``minibatch_gradient``, ``batch_size_for_error`` and ``early_stopping_step``.

Also :func:`typed_returns` and :func:`verify_typed`, which let the common
machinery (:func:`~course.checks.common.verify`) check functions that return a
bool or a tuple of a bool and an int (lecture 02 uses them too).
"""

from __future__ import annotations

import functools
import math
import numbers
import re
from typing import Any, Callable, Sequence

import numpy as np

from course import challenges
from course.checks.common import DTYPES, Case, Exercise, Mistake, draw, dtype_name, pick, verify
from course.checks.failure import WRONG_RETURN_TYPE, CheckFailed, mistake_id

# --- Functions that return bools and ints -------------------------------------------


class _BadReturn(TypeError):
    """What the student's function returned is not of the types its docstring promises."""


def _is_bool(value: Any) -> bool:
    return isinstance(value, (bool, np.bool_)) or (
        isinstance(value, np.ndarray) and value.shape == () and value.dtype == np.bool_)


def _is_int(value: Any) -> bool:
    return isinstance(value, (numbers.Integral, np.integer)) and not _is_bool(value)


_KINDS = {"bool": (_is_bool, "a bool (True or False)"), "int": (_is_int, "an int")}


def typed_returns(exercise: Exercise, fn: Callable, kinds: Sequence[str]) -> Callable:
    """``fn`` returning its bools and ints as 0-d arrays, for :func:`verify` to compare.

    ``kinds`` gives the type of each output (``"bool"`` or ``"int"``). A result
    of the wrong types raises a :class:`_BadReturn` that :func:`verify_typed`
    turns into a CheckFailed; a result of the wrong arity passes unchanged, for
    :func:`verify` to name. The wrapper keeps ``fn`` as its ``__wrapped__``, so
    the check of the student's own work looks at the student's code.
    """

    @functools.wraps(fn)
    def typed(*args: Any, **kwargs: Any) -> Any:
        result = fn(*args, **kwargs)
        values = (result,) if len(kinds) == 1 else result
        if len(kinds) > 1 and (not isinstance(result, (tuple, list)) or len(result) != len(kinds)):
            return result
        for out, value, kind in zip(exercise.outputs, values, kinds):
            ok, wanted = _KINDS[kind]
            if not ok(value):
                raise _BadReturn(f"{exercise.name} must return {out} as {wanted}, "
                                 f"got {type(value).__name__} {value!r:.40}.")
        converted = tuple(np.asarray(bool(v) if kind == "bool" else int(v)) for v, kind in zip(values, kinds))
        return converted[0] if len(kinds) == 1 else converted

    return typed


def verify_typed(exercise: Exercise, fn: Callable, kinds: Sequence[str], cases: Sequence[Case],
                 reveal: bool) -> None:
    """:func:`verify` for a function whose outputs are bools and ints (``kinds``)."""
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    if not callable(fn):
        raise CheckFailed(f"pass your function {exercise.name} itself, got {type(fn).__name__}")
    try:
        verify(exercise, typed_returns(exercise, fn, kinds), cases, reveal)
    except CheckFailed as failure:
        if isinstance(failure.__cause__, _BadReturn):
            raise CheckFailed(str(failure.__cause__), mistake_id(exercise.name, WRONG_RETURN_TYPE)) from None
        raise


# --- minibatch_gradient -------------------------------------------------------------


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _per_example(X: np.ndarray, y: np.ndarray, theta: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """The rows (σ(xᵢᵀθ) − yᵢ) xᵢ for i in idx."""
    Xb = X[idx]
    return (_sigmoid(Xb @ theta) - y[idx])[:, None] * Xb


def _pm_one_formula(X, y, theta, idx):
    """−y σ(−y z) x, the gradient for labels ±1, used with labels 0/1."""
    Xb, yb = X[idx], y[idx]
    return np.mean((-yb * _sigmoid(-yb * (Xb @ theta)))[:, None] * Xb, axis=0)


MINIBATCH_GRADIENT = Exercise(
    name="minibatch_gradient",
    params=("X", "y", "theta", "idx"),
    outputs=("g",),
    reference=challenges.minibatch_gradient,
    formula="ĝ = (1/m) Σ_{i ∈ idx} (σ(xᵢᵀθ) − yᵢ) xᵢ, with m = len(idx)",
    shaped_like=("theta",),
    mistakes=(
        Mistake("the per-example gradients are summed, not averaged: divide the sum by m = len(idx)",
                lambda X, y, theta, idx: _per_example(X, y, theta, idx).sum(axis=0), slug="sum-not-mean"),
        Mistake("the sum is divided by N, the number of all examples, instead of by m = len(idx), the "
                "size of the minibatch",
                lambda X, y, theta, idx: _per_example(X, y, theta, idx).sum(axis=0) / X.shape[0],
                slug="divided-by-n"),
        Mistake("the sign is wrong: the gradient of the negative log-likelihood is (σ(z) − y) x, "
                "not (y − σ(z)) x",
                lambda X, y, theta, idx: -_per_example(X, y, theta, idx).mean(axis=0), slug="sign-error"),
        Mistake("the sigmoid is missing: (xᵢᵀθ − yᵢ) xᵢ is the gradient of the squared error of a "
                "linear model; the logistic loss has (σ(xᵢᵀθ) − yᵢ) xᵢ",
                lambda X, y, theta, idx: ((X[idx] @ theta - y[idx])[:, None] * X[idx]).mean(axis=0),
                slug="no-sigmoid"),
        Mistake("the labels were turned into ±1 (2y − 1) and used in the formula for labels 0/1, "
                "(σ(z) − y) x; keep the labels 0 and 1",
                lambda X, y, theta, idx: ((_sigmoid(X[idx] @ theta) - (2 * y[idx] - 1))[:, None]
                                          * X[idx]).mean(axis=0), slug="pm-one-labels"),
        Mistake("the formula for labels ±1, −y σ(−y z) x, is used with labels 0/1: it drops every "
                "example with y = 0", _pm_one_formula, slug="pm-one-formula"),
        Mistake("it uses all N rows instead of the minibatch's rows idx",
                lambda X, y, theta, idx: _per_example(X, y, theta, np.arange(X.shape[0])).mean(axis=0),
                slug="all-rows"),
    ),
)


def _logistic_data(rng: np.random.Generator, n_samples: int, n_features: int,
                   dtype: Any) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian blobs with labels 0/1 and a column of ones (the bias) last."""
    y = rng.permutation(np.arange(n_samples) % 2).astype(dtype)
    features = np.round((2 * y[:, None] - 1) + rng.normal(size=(n_samples, n_features - 1)), 3)
    X = np.hstack([features, np.ones((n_samples, 1))]).astype(dtype)
    return X, y


def _minibatch_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for dtype in DTYPES:
        name = dtype_name(dtype)
        X, y = _logistic_data(rng, 12, 3, dtype)
        idx = rng.permutation(12)[:4]
        cases.append(Case(f"for a minibatch of 4 of 12 examples in {name}", (X, y, draw(rng, (3,), dtype), idx),
                          dtype=dtype))
        X, y = _logistic_data(rng, 9, 4, dtype)
        cases.append(Case(f"for a minibatch of one example in {name}",
                          (X, y, draw(rng, (4,), dtype), rng.permutation(9)[:1]), dtype=dtype))
    X, y = _logistic_data(rng, 16, 3, np.float64)
    batches = rng.permutation(16).reshape(4, 4)
    cases.append(Case(
        "for an epoch of SGD steps θ ← θ − 0.5 ĝ over 4 minibatches of shuffled data in float64",
        (X, y, draw(rng, (3,), np.float64), batches[0]), steps=4,
        advance=lambda k, args, out: (X, y, args[2] - 0.5 * out[0], batches[k]),
    ))
    return cases


def check_minibatch_gradient(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``minibatch_gradient(X, y, theta, idx)``.

    ĝ = (1/m) Σ_{i ∈ idx} (σ(xᵢᵀθ) − yᵢ) xᵢ with labels yᵢ ∈ {0, 1} and m = len(idx).

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
    verify(MINIBATCH_GRADIENT, fn, _minibatch_cases(seed), reveal)


# --- batch_size_for_error ----------------------------------------------------------


_ROUND_UP = ("m is rounded down or to the nearest integer, which leaves the error above the target; the "
             "smallest m with σ/√m ≤ error is (σ/error)² rounded up (math.ceil)")

BATCH_FOR_ERROR = Exercise(
    name="batch_size_for_error",
    params=("sigma", "error"),
    outputs=("m",),
    reference=challenges.batch_size_for_error,
    formula="the smallest integer m ≥ 1 with σ/√m ≤ error",
    mistakes=(
        Mistake("the error is taken to fall like σ/m, so m = σ/error; it falls like σ/√m: the variances "
                "of independent terms add, so the mean of m of them has variance σ²/m",
                lambda sigma, error: math.ceil(sigma / error), slug="error-like-one-over-m"),
        Mistake(_ROUND_UP, lambda sigma, error: math.floor((sigma / error) ** 2), slug="not-rounded-up"),
        Mistake(_ROUND_UP, lambda sigma, error: round((sigma / error) ** 2), slug="not-rounded-up"),
        Mistake("σ²/error mixes a variance with a standard deviation: error is a standard deviation, so "
                "σ/√m ≤ error means m ≥ σ²/error²", lambda sigma, error: math.ceil(sigma**2 / error),
                slug="variance-over-error"),
        Mistake("the ratio is upside down: a smaller error needs a larger batch, m ≥ (σ/error)²",
                lambda sigma, error: math.ceil((error / sigma) ** 2), slug="upside-down"),
        Mistake("the answer is off by one: the smallest m with σ/√m ≤ error is (σ/error)² rounded up, "
                "not that plus one", lambda sigma, error: math.ceil((sigma / error) ** 2) + 1, slug="plus-one"),
    ),
)


def _away_from_integers(sigma: float, error: float) -> bool:
    """Whether (σ/error)² is at least 0.1 away from an integer and from the next half, so
    that rounding it up, down or to the nearest integer give different answers (and
    rounding error in it cannot matter)."""
    frac = (sigma / error) ** 2 % 1
    return 0.1 < frac < 0.4 or 0.6 < frac < 0.9


def _targets(rng: np.random.Generator, low: float, high: float, count: int) -> list[tuple[float, float]]:
    """``count`` pairs (σ, error) with error between ``low`` σ and ``high`` σ."""
    pairs: list[tuple[float, float]] = []
    while len(pairs) < count:
        sigma = pick(rng, 0.2, 5.0, 3)
        error = round(sigma * float(np.exp(rng.uniform(np.log(low), np.log(high)))), 5)
        if _away_from_integers(sigma, error):
            pairs.append((sigma, error))
    return pairs


def _batch_for_error_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for label, low, high, count in (("for standard errors between 10 % and 90 % of σ", 0.1, 0.9, 8),
                                    ("for standard errors between 1 % and 10 % of σ", 0.01, 0.1, 4)):
        pairs = _targets(rng, low, high, count)
        cases.append(Case(label, pairs[0], steps=count, advance=lambda k, args, out, pairs=pairs: pairs[k]))
    sigma = pick(rng, 0.5, 3.0, 2)
    loose = [(sigma, sigma), (sigma, round(1.7 * sigma, 4))]
    cases.append(Case("for a target at or above σ (one example is enough)", loose[0], steps=len(loose),
                      advance=lambda k, args, out: loose[k]))
    return cases


def check_batch_size_for_error(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``batch_size_for_error(sigma, error) -> int``: the smallest m ≥ 1
    with σ/√m ≤ error, i.e. ⌈(σ/error)²⌉.

    Parameters, errors: as :func:`check_minibatch_gradient`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    verify_typed(BATCH_FOR_ERROR, fn, ("int",), _batch_for_error_cases(seed), reveal)


# --- early_stopping_step ------------------------------------------------------------


def _stopping(val_losses: Sequence[float], patience: int, waited: Callable[[int, int], bool],
              improves: Callable[[float, float], bool] = lambda new, best: new < best) -> tuple[bool, int]:
    """An early-stopping rule with ``waited(evaluations since the best, patience)`` deciding
    to stop and ``improves(loss, best loss)`` deciding what counts as a new best."""
    best = 0
    for step, loss in enumerate(val_losses):
        if improves(loss, val_losses[best]):
            best = step
    return waited(len(val_losses) - 1 - best, patience), best


def _never_reset(val_losses: Sequence[float], patience: int) -> tuple[bool, int]:
    """Counts every evaluation that did not improve, without starting again at a new best."""
    best, misses = 0, 0
    for step, loss in enumerate(val_losses[1:], start=1):
        if loss < val_losses[best]:
            best = step
        else:
            misses += 1
    return misses >= patience, best


def _against_previous(val_losses: Sequence[float], patience: int) -> tuple[bool, int]:
    """Stops after ``patience`` evaluations each no better than the one before."""
    _, best = _right(val_losses, patience)
    recent = val_losses[-patience - 1:]
    rising = len(recent) == patience + 1 and all(b >= a for a, b in zip(recent, recent[1:]))
    return rising, best


def _right(val_losses: Sequence[float], patience: int) -> tuple[bool, int]:
    return _stopping(val_losses, patience, lambda waited, p: waited >= p)


_OFF_BY_ONE = ("an off-by-one in the patience: stop when the last p evaluations did not improve on "
               "the best, i.e. when len(val_losses) − 1 − best_step ≥ p")

EARLY_STOPPING = Exercise(
    name="early_stopping_step",
    params=("val_losses", "patience"),
    outputs=("stop", "best_step"),
    reference=challenges.early_stopping_step,
    formula="best_step = the first index of the smallest loss so far; stop = len(val_losses) − 1 − best_step ≥ p",
    mistakes=(
        Mistake(_OFF_BY_ONE, lambda v, p: _stopping(v, p, lambda waited, p: waited > p), slug="off-by-one-patience"),
        Mistake(_OFF_BY_ONE, lambda v, p: _stopping(v, p, lambda waited, p: waited + 1 >= p),
                slug="off-by-one-patience"),
        Mistake("a loss equal to the best counts as an improvement (<= instead of <): only a strictly "
                "smaller loss is a new best, and best_step is the first step that reached it",
                lambda v, p: _stopping(v, p, lambda waited, p: waited >= p, lambda new, best: new <= best),
                slug="ties-improve"),
        Mistake("it returns the last step instead of the best: best_step is the index of the smallest "
                "validation loss, whose parameters are the ones to keep",
                lambda v, p: (_right(v, p)[0], len(v) - 1), slug="returns-last-step"),
        Mistake("best_step counts from 1; it is the index in val_losses, counting from 0",
                lambda v, p: (_right(v, p)[0], _right(v, p)[1] + 1), slug="one-based-step"),
        Mistake("the count of evaluations without improvement is not reset when the loss improves: "
                "count only those since the best", _never_reset, slug="never-reset"),
        Mistake("each loss is compared with the previous one rather than with the best so far",
                _against_previous, slug="against-previous"),
    ),
)


def _noisy_curve(rng: np.random.Generator, n: int) -> list[float]:
    """A validation curve that falls, bottoms out and rises, with noise and a few exact ties."""
    t = np.arange(n)
    bottom = rng.integers(n // 4, n // 2)
    curve = 0.3 + 0.002 * (t - bottom) ** 2 + rng.normal(0, 0.01, n)
    curve = np.round(curve, 3)
    for i in rng.choice(np.arange(1, n), size=n // 5, replace=False):
        curve[i] = curve[i - 1]  # a plateau: equal is no improvement
    return [float(v) for v in curve]


def _prefix_case(label: str, losses: list[float], patience: int) -> Case:
    """Calls after every evaluation of one run: val_losses[:1], val_losses[:2], …"""
    return Case(label, (losses[:1], patience), steps=len(losses),
                advance=lambda k, args, out: (losses[:k + 1], patience))


def _early_stopping_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = [
        _prefix_case(f"after every evaluation of a noisy validation curve with patience {p}",
                     _noisy_curve(rng, 40), p) for p in (int(rng.integers(2, 6)), 1)
    ]
    best = round(float(rng.uniform(0.2, 0.4)), 3)
    plateau = [best + 0.3, best + 0.1, best, best, best, best + 0.05, best, best + 0.02, best - 0.01, best]
    cases.append(_prefix_case("after every evaluation of a curve with plateaus at its best loss",
                              plateau, int(rng.integers(2, 4))))
    return cases


def check_early_stopping_step(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``early_stopping_step(val_losses, patience) -> (stop, best_step)``.

    best_step is the first index of the smallest loss so far; stop is True when the
    last ``patience`` evaluations did not improve on it (len − 1 − best_step ≥ patience).
    Parameters, errors: as :func:`check_minibatch_gradient`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    cases = _early_stopping_cases(seed)
    try:
        verify_typed(EARLY_STOPPING, fn, ("bool", "int"), cases, reveal)
    except CheckFailed as failure:
        losses = _losses_of_example(failure.message, cases) if reveal else None
        if losses is None:
            raise
        raise CheckFailed(f"{failure.message}\n    val_losses = {losses}", failure.mistake) from failure.__cause__


def _losses_of_example(message: str, cases: Sequence[Case]) -> list[float] | None:
    """The val_losses of the call that a failure's example shows (its case's label and step)."""
    step = re.search(r"\(step (\d+) of \d+\)", message)
    case = next((c for c in cases if c.label in message.splitlines()[0]), None)
    if step is None or case is None:
        return None
    return case.args[0] if int(step.group(1)) == 1 else case.advance(int(step.group(1)) - 1, case.args, ())[0]


__all__ = ["check_batch_size_for_error", "check_early_stopping_step", "check_minibatch_gradient", "typed_returns",
           "verify_typed"]
