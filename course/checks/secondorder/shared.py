"""What the checks of lecture 06 share: random symmetric positive definite matrices, and
the start and the outputs of a solver that returns ``(x, n_iter)``."""

from __future__ import annotations

import inspect
import numbers
from typing import Any, Callable

import numpy as np

from course.checks.failure import (
    DEFAULT_CHANGED, IN_PLACE, MISSING_RETURN, WRONG_RETURN_TYPE, WRONG_SHAPE, CheckFailed, mistake_id,
)
from course.checks.own_work import refuse_course_references


def spd(rng: np.random.Generator, n: int, low: float = 0.5, high: float = 20.0) -> np.ndarray:
    """A symmetric positive definite matrix with eigenvalues in [low, high], rounded to
    three decimals (so that a revealed example can be typed back in)."""
    Q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    A = (Q * rng.uniform(low, high, n)) @ Q.T
    return np.round((A + A.T) / 2, 3)


def check_signature(name: str, fn: Callable, defaults: dict[str, Any], reveal: bool) -> None:
    """The student's function keeps the defaults of the exercise's def line."""
    try:
        theirs = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return
    for param, default in defaults.items():
        if param in theirs and theirs[param].default != default:
            wanted = f" = {default!r}" if reveal else " as in the exercise's docstring"
            raise CheckFailed(f"{name}: the default of `{param}` was changed; keep the def line of the "
                              f"exercise ({param}{wanted}).", mistake_id(name, DEFAULT_CHANGED))


def start(name: str, fn: Callable, defaults: dict[str, Any], reveal: bool) -> None:
    """Before any call: ``fn`` is a function, its code is the student's own, and its
    defaults are the exercise's."""
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    if not callable(fn):
        raise CheckFailed(f"pass your function {name} itself, got {type(fn).__name__}")
    refuse_course_references(fn)
    check_signature(name, fn, defaults, reveal)


def solver_outputs(name: str, result: Any, n: int) -> tuple[np.ndarray, int]:
    """Check that a solver returned ``(x, n_iter)``; x as a float64 array."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        got = "None (is `return` missing?)" if result is None else type(result).__name__
        raise CheckFailed(f"{name} must return a tuple (x, n_iter), got {got}; end with `return x, n_iter`.",
                          mistake_id(name, MISSING_RETURN if result is None else WRONG_RETURN_TYPE))
    x, n_iter = result
    if not isinstance(x, np.ndarray) or x.shape != (n,):
        raise CheckFailed(f"{name} must return x as a NumPy array of shape ({n},), got "
                          f"{type(x).__name__} {getattr(x, 'shape', '')}".rstrip() + ".",
                          mistake_id(name, WRONG_SHAPE if isinstance(x, np.ndarray) else WRONG_RETURN_TYPE))
    if isinstance(n_iter, np.ndarray) and n_iter.ndim == 0:
        n_iter = n_iter.item()
    if isinstance(n_iter, bool) or not isinstance(n_iter, numbers.Integral):
        raise CheckFailed(f"{name} must return n_iter, the number of iterations, as an int; got "
                          f"{type(n_iter).__name__}.", mistake_id(name, WRONG_RETURN_TYPE))
    return np.array(x, dtype=np.float64), int(n_iter)


def unchanged(name: str, arrays: dict[str, np.ndarray], before: dict[str, np.ndarray]) -> None:
    """Fail if the solver modified one of its array arguments in place."""
    for param, array in arrays.items():
        if not np.array_equal(array, before[param]):
            raise CheckFailed(f"{name} modified its argument `{param}` in place (e.g. `x = x0` followed by "
                              f"`x += ...`). Leave the inputs alone: start from a copy, `x = x0.copy()`.",
                              mistake_id(name, IN_PLACE))
