"""Machinery shared by the exercise checks.

A check drives the student's function, the reference (:mod:`course.optim`) and
a list of known wrong variants ("mistakes") through the same cases, a case
being one call or a run of several calls with the state carried from step to
step. Every call of the student's function runs with course.optim disabled and
is checked for its return arity, shapes and dtypes, for arguments modified in
place and for how often it calls the functions it is given; the values are
compared with the reference's, and when they differ the message names the known
mistake whose values the student's function reproduces. Failures are
:class:`~course.checks.failure.CheckFailed` errors, which IPython shows without
the checker's frames.

With ``reveal=False`` (hidden tests) messages say what is wrong but show no
inputs and no expected values: nbgrader's feedback shows the traceback.
"""

from __future__ import annotations

import contextlib
import inspect
import itertools
import numbers
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from course.checks.failure import (
    CALLS_REFERENCE, DEFAULT_CHANGED, IN_PLACE, MISSING_RETURN, SWAPPED_RETURNS, WRONG_DTYPE, WRONG_RETURN_TYPE,
    WRONG_SHAPE, CheckFailed, call_count_slug, mistake_id,
)
from course.checks.own_work import reference_message, references_disabled, refuse_course_references
from course.gradcheck import rel_error

#: Largest accepted difference from the reference, by dtype, in one step (a run is
#: compared one step at a time): float32 and float64 round-off with room for another
#: order of operations. Every mistake the checks diagnose differs far more.
TOLERANCE = {np.dtype(np.float32): 1e-4, np.dtype(np.float64): 1e-9}

#: A relative error large enough to see in a printed example.
VISIBLE = 1e-3

HIDDEN_NOTE = (
    "(A hidden test: its inputs and expected values are not shown; "
    "the visible check gives an example.)"
)


@dataclass(frozen=True)
class Mistake:
    """A wrong implementation students write, the message that names it, and the slug of
    its stable identifier ``<function>/<slug>`` (e.g. ``adam_step/no-bias-correction``),
    which the autograder records and the instructor's report counts: chosen once, never
    derived from the message, so that rewording a message keeps the counts comparable."""

    diagnosis: str
    implementation: Callable[..., Any]
    slug: str = ""


@dataclass(frozen=True)
class Exercise:
    """What a check knows about one graded function.

    ``params`` are the parameter names in order (for messages); ``outputs`` the
    names of the returned values (one name: a bare value, not a tuple);
    ``scalar`` marks a function returning numbers rather than arrays (one
    number, or a tuple of numbers if there are several outputs).
    ``exception_hint`` may add a diagnosis to the message about an exception: it returns
    the text and the slug of the mistake it names, or None.
    ``shaped_like`` names, for each output, the parameter whose shape and dtype it
    must have (default: the first array argument, for every output).
    ``call_once`` maps the parameters that are functions the student's function
    must call exactly once per call to the rule that says so.
    """

    name: str
    params: tuple[str, ...]
    outputs: tuple[str, ...]
    reference: Callable[..., Any]
    formula: str
    mistakes: tuple[Mistake, ...]
    scalar: bool = False
    exception_hint: Callable[[BaseException], tuple[str, str] | None] | None = None
    call_once: dict[str, str] = field(default_factory=dict)
    shaped_like: tuple[str, ...] = ()

    @property
    def known_mistakes(self) -> tuple[Mistake, ...]:
        """``mistakes`` and the reference returning its values in any other order."""
        order = ", ".join(self.outputs)
        identity = tuple(range(len(self.outputs)))
        reordered = tuple(
            Mistake(f"the returned values are in the wrong order: return {order}",
                    _reordered(self.reference, permutation), SWAPPED_RETURNS)
            for permutation in itertools.permutations(identity) if permutation != identity
        )
        return self.mistakes + reordered


def _reordered(fn: Callable[..., tuple], permutation: tuple[int, ...]) -> Callable[..., tuple]:
    """``fn`` returning its values in the order ``permutation``."""

    def reordered(*args: Any, **kwargs: Any) -> tuple:
        values = fn(*args, **kwargs)
        return tuple(values[i] for i in permutation)

    return reordered


Advance = Callable[[int, tuple, tuple], tuple]


@dataclass(frozen=True)
class Case:
    """One call (``steps == 1``) or a run of calls of an exercise.

    ``args`` are the positional arguments of the first call, ``kwargs`` the
    keyword arguments of every call; ``advance(k, args, outputs)`` gives the
    positional arguments of call ``k`` from those and the outputs of call
    ``k − 1``. ``label`` says what the case exercises, without any numbers of
    its inputs, e.g. "for one step from nonzero s and r in float32".
    """

    label: str
    args: tuple
    kwargs: dict = field(default_factory=dict)
    dtype: Any = np.float64
    steps: int = 1
    advance: Advance | None = None
    #: The largest accepted difference from the reference, where rounding allows more
    #: than :data:`TOLERANCE` of the dtype (e.g. next to a double root).
    tolerance: float | None = None

    @property
    def accepted(self) -> float:
        """The largest accepted difference from the reference in this case."""
        return TOLERANCE[np.dtype(self.dtype)] if self.tolerance is None else self.tolerance


Step = Callable[[tuple, dict], tuple]


# --- Formatting ---------------------------------------------------------------------


def show(value: Any) -> str:
    """A value as a student could paste it back into code."""
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=8, separator=", ")
        return text if value.dtype == np.float64 else f"{text} ({value.dtype})"
    if isinstance(value, float):
        return f"{value:.8g}"
    return repr(value)


def call_text(name: str, params: Sequence[str], args: tuple, kwargs: dict, reveal: bool) -> str:
    """``name(theta, g, lr=0.1)``: arrays and functions by name, numbers by value if revealed."""
    parts = []
    for param, value in zip(params, args):
        is_number = isinstance(value, numbers.Number) and not isinstance(value, np.ndarray)
        parts.append(f"{param}={show(value)}" if reveal and is_number else param)
    for key, value in kwargs.items():
        parts.append(f"{key}={show(value)}" if reveal else key)
    return f"{name}({', '.join(parts)})"


def _example(exercise: Exercise, case: Case, k: int, index: int,
             args: tuple, got: np.ndarray, expected: np.ndarray) -> list[str]:
    where = f" (step {k + 1} of {case.steps})" if case.steps > 1 else ""
    lines = [f"Example{where}: {call_text(exercise.name, exercise.params, args, case.kwargs, True)}"]
    shown = [(p, v) for p, v in zip(exercise.params, args)
             if isinstance(v, np.ndarray) or callable(v)]
    if shown:
        lines[0] += " with"
        lines += [f"    {p} = {show(v)}" for p, v in shown]
    out = exercise.outputs[index]
    lines.append(f"  expected {out} = {show(expected)}")
    lines.append(f"       got {out} = {show(got)}")
    return lines


# --- Calling the student's function -------------------------------------------------


@contextlib.contextmanager
def calling(name: str, text: str,
            hint: Callable[[BaseException], tuple[str, str] | None] | None = None) -> Iterator[None]:
    """Run a call of the student's function with course.optim disabled.

    A call that reaches course.optim fails with what it called; NotImplementedError
    passes unchanged; any other exception becomes a CheckFailed that says which
    call failed, caused by the exception (so that IPython shows where it was raised),
    naming the mistake ``hint`` (text, slug) gives for it, if any.
    """
    calls: list[str] = []
    try:
        with np.errstate(all="ignore"), references_disabled(calls):
            yield
    except Exception as exc:
        if calls:
            raise CheckFailed(reference_message(name, calls), mistake_id(name, CALLS_REFERENCE)) from None
        if isinstance(exc, NotImplementedError):
            raise
        extra, slug = (hint(exc) if hint else None) or ("", "")
        message = f"{name} raised {type(exc).__name__}: {exc} when called as {text}."
        raise CheckFailed(f"{message} {extra}".strip(), mistake_id(name, slug)) from exc
    if calls:  # the student's function caught the sentinel's exception
        raise CheckFailed(reference_message(name, calls), mistake_id(name, CALLS_REFERENCE))


class _Counted:
    """A function that counts its calls."""

    def __init__(self, fn: Callable) -> None:
        self.fn, self.calls = fn, 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.fn(*args, **kwargs)


def _is_array(value: Any) -> bool:
    return hasattr(value, "shape") and hasattr(value, "dtype") and not isinstance(value, np.generic)


def _outputs(exercise: Exercise, result: Any, args: tuple) -> tuple[np.ndarray, ...]:
    """Check what the student's function returned and convert it to NumPy arrays."""
    name, outs = exercise.name, exercise.outputs
    if exercise.scalar:
        if len(outs) == 1:
            return (_number(name, result),)
        wanted = f"a tuple ({', '.join(outs)}) of numbers"
        if not isinstance(result, (tuple, list)) or len(result) != len(outs):
            got = (f"a tuple of {len(result)} values" if isinstance(result, (tuple, list))
                   else "None (is `return` missing?)" if result is None else f"a single {type(result).__name__}")
            raise CheckFailed(f"{name} must return {wanted}, got {got}; end with `return {', '.join(outs)}`.",
                              mistake_id(name, MISSING_RETURN if result is None else WRONG_RETURN_TYPE))
        return tuple(_number(name, value, out) for value, out in zip(result, outs))
    if len(outs) == 1:
        if isinstance(result, (tuple, list)):
            raise CheckFailed(
                f"{name} must return the new {outs[0]} as one array, not a {type(result).__name__}.",
                mistake_id(name, WRONG_RETURN_TYPE),
            )
        values = (result,)
    else:
        wanted = f"a tuple ({', '.join(outs)})"
        if not isinstance(result, (tuple, list)):
            got = "None (is `return` missing?)" if result is None else f"a single {type(result).__name__}"
            raise CheckFailed(f"{name} must return {wanted}, got {got}; end with `return {', '.join(outs)}`.",
                              mistake_id(name, MISSING_RETURN if result is None else WRONG_RETURN_TYPE))
        if len(result) != len(outs):
            raise CheckFailed(f"{name} must return {wanted}, got a tuple of {len(result)} values.",
                              mistake_id(name, WRONG_RETURN_TYPE))
        values = tuple(result)
    arrays = []
    for out, value, (param, like) in zip(outs, values, _shaped_like(exercise, args)):
        if value is None:
            raise CheckFailed(f"{name} returned None for {out} (is `return` missing?).",
                              mistake_id(name, MISSING_RETURN))
        if not _is_array(value):
            raise CheckFailed(f"{name} must return {out} as a NumPy array, got {type(value).__name__}.",
                              mistake_id(name, WRONG_RETURN_TYPE))
        value = np.array(value, copy=True)
        if like is not None and value.shape != like.shape:
            raise CheckFailed(
                f"{name} returned {out} with shape {value.shape}; it must have the shape of "
                f"{param}, {like.shape}.",
                mistake_id(name, WRONG_SHAPE),
            )
        if like is not None and value.dtype != like.dtype:
            raise CheckFailed(
                f"{name} returned {out} as {value.dtype} for {like.dtype} inputs; keep the inputs' dtype. "
                "Python numbers such as lr keep it; NumPy scalars don't: np.float64(...), or np.sqrt of a "
                "Python number (use math.sqrt instead), nor np.array(..., dtype=float).",
                mistake_id(name, WRONG_DTYPE),
            )
        arrays.append(value)
    return tuple(arrays)


def _number(name: str, result: Any, out: str | None = None) -> np.ndarray:
    """A number returned by a scalar exercise, as a 0-d float64 array."""
    value = result.item() if isinstance(result, np.ndarray) and result.size == 1 else result
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        what = f"{out} as a number" if out else "a number"
        raise CheckFailed(f"{name} must return {what}, got {type(result).__name__}.",
                          mistake_id(name, MISSING_RETURN if result is None else WRONG_RETURN_TYPE))
    return np.asarray(float(value))


def _shaped_like(exercise: Exercise, args: tuple) -> list[tuple[str, np.ndarray | None]]:
    """For each output, the parameter (name, value) whose shape and dtype it must have."""
    arrays = {p: a for p, a in zip(exercise.params, args) if isinstance(a, np.ndarray)}
    first = next(iter(arrays.items()), (exercise.params[0], None))
    if not exercise.shaped_like:
        return [first] * len(exercise.outputs)
    return [(p, arrays.get(p)) for p in exercise.shaped_like]


def student_step(exercise: Exercise, fn: Callable, reveal: bool) -> Step:
    """A step that calls the student's function and checks everything but the values."""

    def step(args: tuple, kwargs: dict) -> tuple:
        __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
        saved = [(p, a, a.copy()) for p, a in zip(exercise.params, args) if isinstance(a, np.ndarray)]
        counted = {p: _Counted(a) for p, a in zip(exercise.params, args) if p in exercise.call_once}
        with calling(exercise.name, call_text(exercise.name, exercise.params, args, kwargs, reveal),
                     exercise.exception_hint):
            result = fn(*(counted.get(p, a) for p, a in zip(exercise.params, args)), **kwargs)
        for param, function in counted.items():
            if function.calls != 1:
                raise CheckFailed(f"{exercise.name} called {param} {function.calls} times; "
                                  f"{exercise.call_once[param]}.", mistake_id(exercise.name, call_count_slug(param)))
        for param, array, before in saved:
            if not np.array_equal(array, before, equal_nan=True):
                raise CheckFailed(
                    f"{exercise.name} modified its argument `{param}` in place (e.g. `{param} -= ...` or "
                    f"`{param}[...] = ...`). Leave the inputs alone and return new arrays, "
                    f"e.g. `{param} = {param} - ...` instead of `{param} -= ...`.",
                    mistake_id(exercise.name, IN_PLACE),
                )
        return _outputs(exercise, result, args)

    return step


def plain_step(exercise: Exercise, fn: Callable) -> Step:
    """A step that calls a trusted implementation (the reference or a mistake)."""

    def step(args: tuple, kwargs: dict) -> tuple:
        __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
        with np.errstate(all="ignore"):
            result = fn(*args, **kwargs)
        values = (result,) if len(exercise.outputs) == 1 else tuple(result)
        if exercise.scalar:
            return tuple(np.asarray(float(v)) for v in values)
        return tuple(np.array(v, copy=True) for v in values)

    return step


def run_case(case: Case, step: Step) -> tuple[list[tuple], list[tuple]]:
    """Run a case; return the positional arguments and the outputs of every call."""
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    args = tuple(a.copy() if isinstance(a, np.ndarray) else a for a in case.args)
    all_args, all_outputs = [], []
    for k in range(case.steps):
        if k:
            args = case.advance(k, args, all_outputs[-1])
        all_args.append(args)
        all_outputs.append(step(args, case.kwargs))
    return all_args, all_outputs


# --- Comparing and diagnosing -------------------------------------------------------


def distance(a: np.ndarray, b: np.ndarray) -> float:
    """How far ``a`` is from ``b``: the smaller of course.gradcheck.rel_error and the
    largest difference relative to the largest entry (forgiving entries near zero).
    Non-finite entries must sit in the same places with the same values."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return np.inf
    fa, fb = np.isfinite(a), np.isfinite(b)
    if not np.array_equal(fa, fb) or not np.array_equal(a[~fa], b[~fb], equal_nan=True):
        return np.inf
    a, b = a[fa], b[fb]
    if a.size == 0:
        return 0.0
    scale = max(float(np.max(np.abs(a))), float(np.max(np.abs(b))))
    normwise = float(np.max(np.abs(a - b))) / scale if scale > 0 else 0.0
    return min(rel_error(a, b), normwise)


def _first_difference(case: Case, args: list[tuple], got: list[tuple], reference: Step
                      ) -> tuple[list[tuple], tuple[int, int] | None]:
    """Compare a run (the arguments and outputs of each call) one step at a time with
    ``reference`` called on the same arguments, so that rounding never accumulates into
    a comparison of two trajectories; stop at the first step that differs. The
    reference's outputs up to there, and the first difference (step, output) or None."""
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    expected = []
    for k, (step_args, g_out) in enumerate(zip(args, got)):
        e_out = reference(tuple(a.copy() if isinstance(a, np.ndarray) else a for a in step_args), case.kwargs)
        expected.append(e_out)
        for i, (g, e) in enumerate(zip(g_out, e_out)):
            if distance(g, e) > case.accepted:
                return expected, (k, i)
    return expected, None


def _mistake_distance(exercise: Exercise, mistake: Mistake, case: Case, args: list[tuple],
                      got: list[tuple]) -> float:
    """How far the outputs ``got`` of a run are from those of ``mistake`` called on the
    same arguments, step by step (inf if it raises)."""
    step = plain_step(exercise, mistake.implementation)
    try:
        outputs = [step(tuple(a.copy() if isinstance(a, np.ndarray) else a for a in step_args), case.kwargs)
                   for step_args in args]
    except Exception:
        return np.inf
    return max(distance(g, m) for g_out, m_out in zip(got, outputs) for g, m in zip(g_out, m_out))


def diagnose(exercise: Exercise, runs: Sequence[tuple[Case, list[tuple], list[tuple]]],
             failed: Case) -> Mistake | None:
    """The known mistake that reproduces the student's outputs (case, arguments, outputs
    of each run): on every case if one does, else on the failed case; None if no known
    mistake does."""
    everywhere, on_failed = [], []
    for mistake in exercise.known_mistakes:
        missed = [case for case, args, got in runs
                  if _mistake_distance(exercise, mistake, case, args, got) > case.accepted]
        if not missed:
            everywhere.append(mistake)
        elif all(case is not failed for case in missed):
            on_failed.append(mistake)
    found = everywhere or on_failed
    return found[0] if found else None


def _check_defaults(exercise: Exercise, fn: Callable, reveal: bool) -> None:
    """Parameters that have defaults in the course's signature keep those defaults."""
    try:
        theirs = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return
    for param in inspect.signature(exercise.reference).parameters.values():
        if param.default is inspect.Parameter.empty or param.name not in theirs:
            continue
        default = theirs[param.name].default
        same = isinstance(default, numbers.Real) and not isinstance(default, bool) and default == param.default
        if not same:
            wanted = f" = {param.default!r}" if reveal else " as in the exercise's docstring"
            raise CheckFailed(
                f"{exercise.name}: the default of `{param.name}` was changed; keep the def line "
                f"of the exercise ({param.name}{wanted}).",
                mistake_id(exercise.name, DEFAULT_CHANGED),
            )


def verify(exercise: Exercise, fn: Callable, cases: Sequence[Case], reveal: bool) -> None:
    """Run every case; if the student's function fails any, raise a CheckFailed about
    the first whose error is visible in a printed example (else the worst), naming the
    mistake if a known one reproduces the student's results. A function whose code
    refers to the course package fails first.

    A run of several calls is judged one step at a time: each output against the
    reference called on the student's own arguments of that step, so that rounding
    (another order of operations, another BLAS kernel) never accumulates into a
    verdict."""
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    if not callable(fn):
        raise CheckFailed(f"pass your function {exercise.name} itself, got {type(fn).__name__}")
    refuse_course_references(fn)
    _check_defaults(exercise, fn, reveal)
    runs, failures = [], []
    for case in cases:
        try:
            args, got = run_case(case, student_step(exercise, fn, reveal))
        except CheckFailed:
            if failures:  # report the wrong values found so far first
                break
            raise
        expected, where = _first_difference(case, args, got, plain_step(exercise, exercise.reference))
        # The run up to its first wrong step: later steps start from the student's wrong state.
        args, got = args[:len(expected)], got[:len(expected)]
        runs.append((case, args, got))
        if where is not None:
            far = distance(got[where[0]][where[1]], expected[where[0]][where[1]])
            failures.append((far, case, args, got, expected, where))
    if not failures:
        return
    visible = [f for f in failures if f[0] >= VISIBLE]
    _, case, args, got, expected, (k, index) = visible[0] if visible else max(failures, key=lambda f: f[0])
    out = exercise.outputs[index]
    finite = bool(np.all(np.isfinite(got[k][index])))
    what = "gives wrong values of" if finite else "returns non-finite values (inf or nan) for"
    lines = [f"{exercise.name} {what} `{out}` {case.label}."]
    mistake = diagnose(exercise, runs, case)
    if mistake:
        lines.append(f"It looks like {mistake.diagnosis}.")
    else:
        lines.append(
            "This matches none of the common mistakes the check knows; "
            f"compare your code with the formula {exercise.formula}."
        )
    if reveal:
        lines += _example(exercise, case, k, index, args[k], got[k][index], expected[k][index])
    else:
        lines.append(HIDDEN_NOTE)
    raise CheckFailed("\n".join(lines), mistake_id(exercise.name, mistake.slug) if mistake else None)


# --- Inputs -------------------------------------------------------------------------


def draw(rng: np.random.Generator, shape: tuple[int, ...], dtype: Any,
         low: float = 0.5, high: float = 2.0, signed: bool = True) -> np.ndarray:
    """Random entries of magnitude in [low, high), rounded to three decimals so that a
    revealed example can be typed back in; random signs if ``signed``."""
    x = rng.uniform(low, high, shape)
    if signed:
        x = x * rng.choice([-1.0, 1.0], shape)
    return np.round(x, 3).astype(dtype)


def draw_tiny(rng: np.random.Generator, shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    """Random signed entries of magnitude 1e-8 to 1e-6 (three significant digits)."""
    mantissa = np.round(rng.uniform(1.0, 10.0, shape), 2)
    exponent = rng.integers(-8, -6, shape, endpoint=True).astype(np.float64)
    return (rng.choice([-1.0, 1.0], shape) * mantissa * 10.0**exponent).astype(dtype)


def pick(rng: np.random.Generator, low: float, high: float, digits: int = 3) -> float:
    """A random Python float in [low, high), rounded to ``digits`` decimals."""
    return round(float(rng.uniform(low, high)), digits)


DTYPES = (np.float64, np.float32)


def dtype_name(dtype: Any) -> str:
    return np.dtype(dtype).name
