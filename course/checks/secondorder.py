"""Checks of lecture 06: ``exact_step``, ``closed_form``, ``conjugate_gradient``,
``nonlinear_cg``, ``bfgs_inverse_update`` and ``bfgs``.

``exact_step``, ``closed_form`` and ``bfgs_inverse_update`` return arrays and go
through :func:`~course.checks.common.verify` like the first-order steps. The
solvers return ``(x, n_iter)`` and are checked by what they do:

* linear CG is deterministic: its x must solve Ax = b to the tolerance, its
  n_iter must match the reference's (±1: round-off near the stopping test), and
  with a small ``maxiter`` its iterate must be the reference's iterate, the
  minimiser over the same Krylov space;
* nonlinear CG and BFGS take their steps with the provided
  :func:`course.linesearch.strong_wolfe`, whose details (c₂, first trial step)
  are the student's choice and change every later iterate. So the check follows
  the student's calls of ``strong_wolfe`` and verifies each search direction
  against the rule applied to the student's own iterates: d_t = −g_t + β_t d_{t−1}
  with Polak–Ribière's β (a restart d = −g allowed where PR gives no descent, or
  β < 0, or every n steps), or d_k = −H_k g_k with H_k built by the BFGS update
  from H₀ = I and the student's own pairs (s, y). A wrong direction is compared
  with the directions the common mistakes would give at that step.
"""

from __future__ import annotations

import contextlib
import inspect
import math
import numbers
import sys
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import numpy as np

from course import linesearch, secondorder
from course.bridge import Remote, replaced
from course.checks.common import (
    HIDDEN_NOTE,
    Case,
    Exercise,
    Mistake,
    calling,
    distance,
    pick,
    show,
    verify,
)
from course.checks.failure import CheckFailed
from course.checks.own_work import refuse_course_references
from course.problems import Quadratic, Rosenbrock

# --- exact_step ----------------------------------------------------------------------


def _exact_step(A: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The reference: one step of :func:`course.secondorder.steepest_descent_exact`."""
    return secondorder.steepest_descent_exact(A, x, 1, record_path=False).x


def _step_with(alpha: Callable[[np.ndarray, np.ndarray, np.ndarray], Any], grad_is_x: bool = False,
               sign: float = -1.0) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """x + sign · α(A, x, g) g with g = Ax (g = x if ``grad_is_x``)."""

    def step(A: np.ndarray, x: np.ndarray) -> np.ndarray:
        g = x if grad_is_x else A @ x
        return x + sign * alpha(A, x, g) * g

    return step


EXACT_STEP = Exercise(
    name="exact_step",
    params=("A", "x"),
    outputs=("x",),
    reference=_exact_step,
    formula="g = Ax;  α* = gᵀg / gᵀAg;  x ← x − α* g",
    shaped_like=("x",),
    mistakes=(
        Mistake("the step uses gᵀg / gᵀg = 1 (a plain gradient step with ε = 1); the exact step along "
                "−g is α* = gᵀg / gᵀAg", lambda A, x: x - A @ x),
        Mistake("α* has the wrong sign: x + α*g climbs; the step goes along −g, x − α*g",
                _step_with(lambda A, x, g: (g @ g) / (g @ A @ g), sign=1.0)),
        Mistake("α* is inverted: it is gᵀg / gᵀAg, not gᵀAg / gᵀg",
                _step_with(lambda A, x, g: (g @ A @ g) / (g @ g))),
        Mistake("α* has a factor ½ too many: φ(α) = f(x) − α gᵀg + ½ α² gᵀAg is smallest at "
                "α* = gᵀg / gᵀAg", _step_with(lambda A, x, g: (g @ g) / (2 * (g @ A @ g)))),
        Mistake("the numerator of α* is ‖g‖; it is gᵀg = ‖g‖²",
                _step_with(lambda A, x, g: np.sqrt(g @ g) / (g @ A @ g))),
        Mistake("the denominator of α* uses x: α* = gᵀg / gᵀAg with the gradient g = Ax",
                _step_with(lambda A, x, g: (g @ g) / (x @ A @ x))),
        Mistake("the gradient of f = ½ xᵀAx is taken as x; it is g = Ax",
                _step_with(lambda A, x, g: (g @ g) / (g @ A @ g), grad_is_x=True)),
        Mistake("it returns the step −α*g instead of the new point x − α*g",
                lambda A, x: _exact_step(A, x) - x),
    ),
)


def _spd(rng: np.random.Generator, n: int, low: float = 0.5, high: float = 20.0) -> np.ndarray:
    """A symmetric positive definite matrix with eigenvalues in [low, high], rounded to
    three decimals (so that a revealed example can be typed back in)."""
    Q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    A = (Q * rng.uniform(low, high, n)) @ Q.T
    return np.round((A + A.T) / 2, 3)


def _exact_step_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for dtype in (np.float64, np.float32):
        name = np.dtype(dtype).name
        n = int(rng.integers(3, 6))
        cases.append(Case(f"for one step on a {n}-dimensional quadratic in {name}",
                          (_spd(rng, n).astype(dtype), np.round(rng.uniform(-2, 2, n), 3).astype(dtype)),
                          dtype=dtype))
        cases.append(Case(f"for a run of steps, each from the last, in {name}",
                          (_spd(rng, 3, 1.0, 10.0).astype(dtype), np.round(rng.uniform(-2, 2, 3), 3).astype(dtype)),
                          dtype=dtype, steps=6, advance=lambda k, args, out: (args[0], out[0])))
    b = pick(rng, 0.1, 0.9, 2)
    cases.append(Case("for a run of steps on ½(x² + b y²) from (b, 1)",
                      (np.diag([1.0, b]), np.array([b, 1.0])), steps=8,
                      advance=lambda k, args, out: (args[0], out[0])))
    return cases


def check_exact_step(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``exact_step(A, x)``: one step of steepest descent with exact
    line search on f(x) = ½ xᵀAx, x ← x − α* g with g = Ax and α* = gᵀg / gᵀAg.

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
    verify(EXACT_STEP, fn, _exact_step_cases(seed), reveal)


#: Largest |cos ∠(g_{k+1}, g_k)| accepted as orthogonal (float64 round-off is ~1e-15).
ORTHOGONAL = 1e-8


def check_exact_step_orthogonal(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check that consecutive gradients of the student's ``exact_step`` iteration are
    orthogonal, g_{k+1}ᵀg_k = 0, as the exact line search makes them.

    Runs 10 steps on ½(x² + b y²) from (b, 1) and on a random 4-dimensional
    quadratic, in float64, and fails at the first pair of consecutive gradients
    with |cos ∠(g_{k+1}, g_k)| > 1e-8, naming the mistake when a known one
    reproduces the path. Parameters, errors: as :func:`check_exact_step`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    if not callable(fn):
        raise CheckFailed(f"pass your function exact_step itself, got {type(fn).__name__}")
    refuse_course_references(fn)
    rng = np.random.default_rng(seed)
    b = pick(rng, 0.1, 0.5, 2)
    starts = [("½(x² + b y²) from (b, 1)", np.diag([1.0, b]), np.array([b, 1.0])),
              ("a 4-dimensional quadratic", _spd(rng, 4, 1.0, 10.0), np.round(rng.uniform(-2, 2, 4), 3))]
    for where, A, x0 in starts:
        path = [x0]
        for _ in range(10):
            with calling("exact_step", "exact_step(A, x)"):
                x = fn(A, path[-1].copy())
            if not isinstance(x, np.ndarray) or x.shape != x0.shape:
                raise CheckFailed(f"exact_step must return the new x as an array of shape {x0.shape}.")
            path.append(np.asarray(x, dtype=np.float64))
        grads = [A @ x for x in path]
        for k in range(len(grads) - 1):
            g, g_next = grads[k], grads[k + 1]
            norms = float(np.linalg.norm(g) * np.linalg.norm(g_next))
            cosine = float(g_next @ g) / norms if norms > 0 else 0.0
            if abs(cosine) > ORTHOGONAL or not math.isfinite(cosine):
                _orthogonality_failure(k, cosine, where, A, x0, path, reveal)


def _orthogonality_failure(k: int, cosine: float, where: str, A: np.ndarray, x0: np.ndarray,
                           path: list[np.ndarray], reveal: bool) -> None:
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    lines = [f"Consecutive gradients of your iteration on {where} are not orthogonal: "
             f"g_{k + 1}ᵀg_{k} ≠ 0. An exact line search stops where f no longer decreases along "
             f"−g_{k}, that is where 0 = d/dα f(x_{k} − α g_{k}) = −g_{k + 1}ᵀg_{k}."]
    for mistake in EXACT_STEP.mistakes:
        x, same = x0, True
        with np.errstate(all="ignore"):
            for expected in path[1:]:
                x = mistake.implementation(A, x)
                same = same and distance(x, expected) < 1e-9
        if same:
            lines.append(f"It looks like {mistake.diagnosis}.")
            break
    if reveal:
        lines.append(f"cos ∠(g_{k + 1}, g_{k}) = {cosine:.3g}, with x_{k} = {show(path[k])}, "
                     f"x_{k + 1} = {show(path[k + 1])} and A = {show(A)}.")
    else:
        lines.append(HIDDEN_NOTE)
    raise CheckFailed("\n".join(lines))


# --- closed_form ---------------------------------------------------------------------


def closed_form_iterate(b: float, k: int) -> np.ndarray:
    """The k-th iterate of steepest descent with exact line search on ½(x² + b y²) from
    (b, 1): (b ρᵏ, (−ρ)ᵏ) with ρ = (b − 1)/(b + 1)."""
    rho = (b - 1) / (b + 1)
    return np.array([b * rho**k, (-rho) ** k])


def _with_rho(rho: Callable[[float], float], x: Callable[[float, float, int], float],
              y: Callable[[float, int], float]) -> Callable[[float, int], np.ndarray]:
    def closed_form(b: float, k: int) -> np.ndarray:
        r = rho(b)
        return np.array([x(b, r, k), y(r, k)])

    return closed_form


def _rho(b: float) -> float:
    return (b - 1) / (b + 1)


CLOSED_FORM = Exercise(
    name="closed_form",
    params=("b", "k"),
    outputs=("iterate",),
    reference=closed_form_iterate,
    formula="ρ = (b − 1)/(b + 1);  x_k = b ρᵏ;  y_k = (−ρ)ᵏ",
    mistakes=(
        Mistake("ρ has the wrong sign: ρ = (b − 1)/(b + 1) is negative for b < 1, and y_k = (−ρ)ᵏ",
                _with_rho(lambda b: (1 - b) / (1 + b), lambda b, r, k: b * r**k, lambda r, k: (-r) ** k)),
        Mistake("y_k = ρᵏ; the sign of y alternates with ρ < 0: y_k = (−ρ)ᵏ",
                _with_rho(_rho, lambda b, r, k: b * r**k, lambda r, k: r**k)),
        Mistake("x_k misses the factor b: x_k = b ρᵏ (x₀ = b)",
                _with_rho(_rho, lambda b, r, k: r**k, lambda r, k: (-r) ** k)),
        Mistake("ρ²ᵏ is the rate of f (f_k = ρ²ᵏ f₀); the iterates shrink by |ρ| per step: "
                "x_k = b ρᵏ, y_k = (−ρ)ᵏ",
                _with_rho(_rho, lambda b, r, k: b * r ** (2 * k), lambda r, k: r ** (2 * k))),
        Mistake("ρ is inverted: ρ = (b − 1)/(b + 1), with |ρ| < 1",
                _with_rho(lambda b: (b + 1) / (b - 1) if b != 1 else np.inf,
                          lambda b, r, k: b * r**k, lambda r, k: (-r) ** k)),
        Mistake("an off-by-one in k: (x₀, y₀) = (b, 1) is the iterate k = 0",
                lambda b, k: closed_form_iterate(b, k + 1)),
        Mistake("the coordinates are swapped: return [x_k, y_k]",
                lambda b, k: closed_form_iterate(b, k)[::-1].copy()),
    ),
)


def _closed_form_case(label: str, b: float, ks: list[int]) -> Case:
    return Case(label, (b, ks[0]), steps=len(ks), advance=lambda k, args, out: (b, ks[k]))


def _closed_form_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    return [
        _closed_form_case("for k = 0, 1, …, 12", pick(rng, 0.2, 0.8, 2), list(range(13))),
        _closed_form_case("for a small b and large k", pick(rng, 0.01, 0.1, 3), [0, 1, 2, 10, 25, 50]),
        _closed_form_case("for b = 1 (a round bowl: one step to the minimum)", 1.0, [0, 1, 2]),
    ]


def check_closed_form(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``closed_form(b, k)``: the k-th iterate of steepest descent with
    exact line search on ½(x² + b y²) from (b, 1), ``np.array([b ρᵏ, (−ρ)ᵏ])`` with
    ρ = (b − 1)/(b + 1). Parameters, errors: as :func:`check_exact_step`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    verify(CLOSED_FORM, fn, _closed_form_cases(seed), reveal)


# --- bfgs_inverse_update -------------------------------------------------------------


def _inverse_update(H: np.ndarray, s: np.ndarray, y: np.ndarray, rho: float) -> np.ndarray:
    """(I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, written out."""
    V = np.eye(len(s)) - rho * np.outer(y, s)
    return V.T @ H @ V + rho * np.outer(s, s)


def _skipping(update: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]) -> Callable:
    """``update``, but H unchanged when yᵀs ≤ 0."""
    return lambda H, s, y: H.copy() if y @ s <= 0 else update(H, s, y)


def _b_update(H: np.ndarray, s: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The update of B (the Hessian approximation), applied to H."""
    Hs = H @ s
    return H + np.outer(y, y) / (y @ s) - np.outer(Hs, Hs) / (s @ Hs)


_BFGS_FORMULA = "ρ = 1/(yᵀs);  H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, and H unchanged if yᵀs ≤ 0"
_B_UPDATE = ("the update of B (the Hessian approximation), B + yyᵀ/yᵀs − BssᵀB/sᵀBs, is applied to its "
             "inverse H; H needs the inverse form (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ")
_NO_CURVATURE = ("no curvature check: when yᵀs ≤ 0 the update must be skipped (return H unchanged), "
                 "or H stops being positive definite")

BFGS_UPDATE = Exercise(
    name="bfgs_inverse_update",
    params=("H", "s", "y"),
    outputs=("H",),
    reference=secondorder.bfgs_inverse_update,
    formula=_BFGS_FORMULA,
    mistakes=(
        Mistake(_B_UPDATE, _skipping(_b_update)),
        Mistake(_NO_CURVATURE, lambda H, s, y: _inverse_update(H, s, y, 1 / (y @ s))),
        Mistake("ρ = 1/(sᵀs); it is ρ = 1/(yᵀs)", _skipping(lambda H, s, y: _inverse_update(H, s, y, 1 / (s @ s)))),
        Mistake("ρ = 1/(yᵀy); it is ρ = 1/(yᵀs)", _skipping(lambda H, s, y: _inverse_update(H, s, y, 1 / (y @ y)))),
        Mistake("the outer products are transposed: (I − ρ y sᵀ) H (I − ρ s yᵀ); it is "
                "(I − ρ s yᵀ) H (I − ρ y sᵀ), so that H_new y = s",
                _skipping(lambda H, s, y: _inverse_update(H, y, s, 1 / (y @ s)) - np.outer(y, y) / (y @ s)
                          + np.outer(s, s) / (y @ s))),
        Mistake("the term + ρ s sᵀ is missing",
                _skipping(lambda H, s, y: _inverse_update(H, s, y, 1 / (y @ s)) - np.outer(s, s) / (y @ s))),
        Mistake("H is not updated: it returns H unchanged, also when yᵀs > 0", lambda H, s, y: H.copy()),
    ),
)


def _pair(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """A step s and change of gradient y = A s of a random quadratic (so yᵀs > 0)."""
    s = np.round(rng.uniform(-1, 1, n), 3)
    return s, np.round(_spd(rng, n, 0.5, 5.0) @ s, 3)


def _bfgs_update_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 6))
    cases = [Case("for one update of H = I", (np.eye(n), *_pair(rng, n)))]
    H = _spd(rng, n, 0.5, 3.0)
    cases.append(Case(f"for one update of a symmetric positive definite H ({n} × {n})", (H, *_pair(rng, n))))
    s, y = _pair(rng, n)
    cases.append(Case("when yᵀs < 0 (the curvature condition fails)", (_spd(rng, n, 0.5, 3.0), s, -y)))
    s = np.zeros(n)
    s[0] = pick(rng, 0.5, 1.5)
    y = np.zeros(n)
    y[1] = pick(rng, 0.5, 1.5)
    cases.append(Case("when yᵀs = 0 exactly", (_spd(rng, n, 0.5, 3.0), s, y)))
    A = _spd(rng, 3, 0.5, 5.0)
    steps = [np.round(rng.uniform(-1, 1, 3), 3) for _ in range(5)]
    cases.append(Case("for a run of updates from H = I with pairs (s, As) of a quadratic",
                      (np.eye(3), steps[0], A @ steps[0]), steps=5,
                      advance=lambda k, args, out: (out[0], steps[k], A @ steps[k])))
    return cases


def check_bfgs_inverse_update(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``bfgs_inverse_update(H, s, y)`` (float64):
    H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ with ρ = 1/(yᵀs), H unchanged when yᵀs ≤ 0.
    Parameters, errors: as :func:`check_exact_step`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    verify(BFGS_UPDATE, fn, _bfgs_update_cases(seed), reveal)


# --- The solvers: what they return ---------------------------------------------------


def _check_signature(name: str, fn: Callable, defaults: dict[str, Any], reveal: bool) -> None:
    """The student's function keeps the defaults of the exercise's def line."""
    try:
        theirs = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return
    for param, default in defaults.items():
        if param in theirs and theirs[param].default != default:
            wanted = f" = {default!r}" if reveal else " as in the exercise's docstring"
            raise CheckFailed(f"{name}: the default of `{param}` was changed; keep the def line of the "
                              f"exercise ({param}{wanted}).")


def _solver_outputs(name: str, result: Any, n: int) -> tuple[np.ndarray, int]:
    """Check that a solver returned ``(x, n_iter)``; x as a float64 array."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        got = "None (is `return` missing?)" if result is None else type(result).__name__
        raise CheckFailed(f"{name} must return a tuple (x, n_iter), got {got}; end with `return x, n_iter`.")
    x, n_iter = result
    if not isinstance(x, np.ndarray) or x.shape != (n,):
        raise CheckFailed(f"{name} must return x as a NumPy array of shape ({n},), got "
                          f"{type(x).__name__} {getattr(x, 'shape', '')}".rstrip() + ".")
    if isinstance(n_iter, np.ndarray) and n_iter.ndim == 0:
        n_iter = n_iter.item()
    if isinstance(n_iter, bool) or not isinstance(n_iter, numbers.Integral):
        raise CheckFailed(f"{name} must return n_iter, the number of iterations, as an int; got "
                          f"{type(n_iter).__name__}.")
    return np.array(x, dtype=np.float64), int(n_iter)


def _unchanged(name: str, arrays: dict[str, np.ndarray], before: dict[str, np.ndarray]) -> None:
    for param, array in arrays.items():
        if not np.array_equal(array, before[param]):
            raise CheckFailed(f"{name} modified its argument `{param}` in place (e.g. `x = x0` followed by "
                              f"`x += ...`). Leave the inputs alone: start from a copy, `x = x0.copy()`.")


# --- conjugate_gradient --------------------------------------------------------------


def _cg(A: np.ndarray, b: np.ndarray, x0: np.ndarray | None = None, tol: float = 1e-10,
        maxiter: int | None = None, *, residual_sign: float = -1.0, beta_inverted: bool = False,
        alpha_without_A: bool = False, steepest: bool = False, absolute: bool = False,
        r0_is_b: bool = False, ignore_x0: bool = False, count_extra: int = 0) -> tuple[np.ndarray, int]:
    """Linear CG with one of the common mistakes switched on by a keyword."""
    n = len(b)
    maxiter = 10 * n if maxiter is None else maxiter
    x = np.zeros(n) if x0 is None or ignore_x0 else np.array(x0, dtype=np.float64)
    r = b.copy() if r0_is_b else b - A @ x
    d, rr = r.copy(), r @ r
    stop = tol if absolute else tol * np.linalg.norm(b)
    for k in range(maxiter):
        if math.sqrt(rr) <= stop:
            return x, k + count_extra
        Ad = A @ d
        alpha = rr / (d @ d if alpha_without_A else d @ Ad)
        x = x + alpha * d
        r = r + residual_sign * alpha * Ad
        rr_new = r @ r
        beta = 0.0 if steepest else (rr / rr_new if beta_inverted else rr_new / rr)
        d, rr = r + beta * d, rr_new
    return x, maxiter


def _cg_reference(A: np.ndarray, b: np.ndarray, x0: np.ndarray | None = None, tol: float = 1e-10,
                  maxiter: int | None = None) -> tuple[np.ndarray, int]:
    result = secondorder.conjugate_gradient(A, b, x0, tol, maxiter, record_path=False)
    return np.asarray(result.x), result.nit


CG_MISTAKES = (
    Mistake("the residual is recomputed with the wrong sign: r ← r − α A d",
            lambda *a, **k: _cg(*a, **k, residual_sign=1.0)),
    Mistake("β is inverted: β = r_{k+1}ᵀr_{k+1} / r_kᵀr_k (new over old)",
            lambda *a, **k: _cg(*a, **k, beta_inverted=True)),
    Mistake("α misses A: α = r_kᵀr_k / d_kᵀA d_k", lambda *a, **k: _cg(*a, **k, alpha_without_A=True)),
    Mistake("the direction is never updated with β (d ← r is steepest descent); "
            "d ← r + β d makes the directions conjugate", lambda *a, **k: _cg(*a, **k, steepest=True)),
    Mistake("the stopping test is absolute (‖r‖ ≤ tol); it is relative to the right-hand side, "
            "‖r‖ ≤ tol·‖b‖", lambda *a, **k: _cg(*a, **k, absolute=True)),
    Mistake("r₀ = b ignores x0: the first residual is r₀ = b − A x0", lambda *a, **k: _cg(*a, **k, r0_is_b=True)),
    Mistake("x0 is ignored: the iteration must start from x0 when it is given",
            lambda *a, **k: _cg(*a, **k, ignore_x0=True)),
    Mistake("n_iter counts one iteration too many: it is the number of steps taken",
            lambda *a, **k: _cg(*a, **k, count_extra=1)),
)

_CG_FORMULA = ("r₀ = b − Ax₀, d₀ = r₀;  α = rᵀr / dᵀAd;  x ← x + αd;  r ← r − αAd;  "
               "β = r_newᵀr_new / rᵀr;  d ← r_new + βd;  stop when ‖r‖ ≤ tol·‖b‖")


@dataclass(frozen=True)
class _CGCase:
    label: str
    A: np.ndarray
    b: np.ndarray
    kwargs: dict
    exact_iterate: bool = False  # compare x with the reference's iterate (maxiter reached)


def _cg_cases(seed: int) -> list[_CGCase]:
    rng = np.random.default_rng(seed)
    cases = []
    n = int(rng.integers(6, 10))
    cases.append(_CGCase(f"for a {n} × {n} system with the default tol", _spd(rng, n, 1.0, 50.0),
                         np.round(rng.uniform(-1, 1, n), 3), {}))
    n, k = 30, int(rng.integers(3, 6))
    Q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    A = (Q * rng.choice(np.linspace(1.0, 10.0, k), n)) @ Q.T
    cases.append(_CGCase(f"for a {n} × {n} system with {k} distinct eigenvalues (at most {k} steps)",
                         (A + A.T) / 2, rng.normal(size=n), {}))
    A = Quadratic.from_eigenvalues(np.geomspace(1.0, 100.0, 100), seed=int(rng.integers(1000))).A
    cases.append(_CGCase("for a 100 × 100 system with ‖b‖ ≫ 1 and tol = 1e-4", np.asarray(A),
                         1e4 * rng.normal(size=100), {"tol": 1e-4}))
    n = int(rng.integers(8, 12))
    A, b = _spd(rng, n, 1.0, 20.0), rng.normal(size=n)
    cases.append(_CGCase("from a given x0", A, b, {"x0": rng.normal(size=n)}))
    cases.append(_CGCase("from an x0 that already solves the system (no iteration is needed)",
                         A, b, {"x0": np.linalg.solve(A, b)}))
    n = 12
    cases.append(_CGCase("for 3 iterations (maxiter = 3) from a given x0", _spd(rng, n, 1.0, 30.0),
                         rng.normal(size=n), {"x0": rng.normal(size=n), "maxiter": 3}, exact_iterate=True))
    return cases


def _cg_verdict(case: _CGCase, x: np.ndarray, n_iter: int, reveal: bool) -> str | None:
    """What is wrong with the result (x, n_iter) of a case, or None (no numbers unless ``reveal``)."""
    x_ref, nit_ref = _cg_reference(case.A, case.b, **case.kwargs)
    if case.exact_iterate:
        if n_iter != nit_ref:
            return (f"returns n_iter = {n_iter} when it stops at maxiter = {nit_ref}" if reveal else
                    "returns an n_iter other than maxiter when it stops there")
        if not distance(x, x_ref) <= 1e-8:
            return f"returns a wrong x after {nit_ref} iterations (the iterates are not CG's)"
        return None
    tol = case.kwargs.get("tol", 1e-10)
    b_norm = float(np.linalg.norm(case.b))
    residual = float(np.linalg.norm(case.b - case.A @ x)) / b_norm if np.all(np.isfinite(x)) else np.inf
    if not residual <= 100 * tol:
        return "returns an x that does not solve Ax = b to the tolerance"
    margin = 0 if nit_ref == 0 else 1
    if abs(n_iter - nit_ref) > margin:
        if not reveal:
            return "takes another number of iterations than CG"
        return f"takes n_iter = {n_iter} iterations where CG takes {nit_ref}" + (" (±1)" if margin else "")
    return None


def _cg_call(fn: Callable, case: _CGCase, reveal: bool) -> tuple[np.ndarray, int]:
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    arrays = {"A": case.A.copy(), "b": case.b.copy()}
    if case.kwargs.get("x0") is not None:
        arrays["x0"] = case.kwargs["x0"].copy()
    before = {k: v.copy() for k, v in arrays.items()}
    kwargs = {**case.kwargs, **({"x0": arrays["x0"]} if "x0" in arrays else {})}
    text = "conjugate_gradient(A, b" + "".join(
        f", {k}={v!r}" if reveal and not isinstance(v, np.ndarray) else f", {k}={k}"
        for k, v in case.kwargs.items()) + ")"
    with calling("conjugate_gradient", text):
        result = fn(arrays["A"], arrays["b"], **kwargs)
    _unchanged("conjugate_gradient", arrays, before)
    return _solver_outputs("conjugate_gradient", result, len(case.b))


def _cg_diagnosis(case: _CGCase, x: np.ndarray, n_iter: int) -> str | None:
    for mistake in CG_MISTAKES:
        with np.errstate(all="ignore"):
            x_m, n_m = mistake.implementation(case.A, case.b, **case.kwargs)
        if n_m == n_iter and distance(x, x_m) <= 1e-6:
            return mistake.diagnosis
    return None


def check_conjugate_gradient(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``conjugate_gradient(A, b, x0=None, tol=1e-10, maxiter=None) -> (x, n_iter)``.

    On random symmetric positive definite systems (float64): x must solve Ax = b to
    ‖b − Ax‖ ≤ 100·tol·‖b‖ and n_iter must match CG's count ±1 (exactly when x0 already
    solves the system); with ``maxiter = 3`` the iterate must be CG's third iterate.
    A failure names the mistake whose results the student's function reproduces.
    Parameters, errors: as :func:`check_exact_step`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    _start("conjugate_gradient", fn, {"x0": None, "tol": 1e-10, "maxiter": None}, reveal)
    for case in _cg_cases(seed):
        x, n_iter = _cg_call(fn, case, reveal)
        verdict = _cg_verdict(case, x, n_iter, reveal)
        if verdict is None:
            continue
        lines = [f"conjugate_gradient {verdict}, {case.label}."]
        diagnosis = _cg_diagnosis(case, x, n_iter)
        lines.append(f"It looks like {diagnosis}." if diagnosis else
                     f"This matches none of the common mistakes the check knows; compare your code with "
                     f"{_CG_FORMULA}.")
        x_ref, nit_ref = _cg_reference(case.A, case.b, **case.kwargs)
        if reveal and len(case.b) > 12:
            # The residual is shown only where it is the fault: below the tolerance it is
            # rounding, whose digits depend on the machine.
            residual = np.linalg.norm(case.b - case.A @ x) / np.linalg.norm(case.b)
            solved = residual <= 100 * case.kwargs.get("tol", 1e-10)
            lines.append(f"Expected n_iter = {nit_ref}; got n_iter = {n_iter}"
                         + ("." if solved else f" and ‖b − Ax‖/‖b‖ = {residual:.3g}."))
        elif reveal:
            lines += [f"Example: A = {show(case.A)}", f"    b = {show(case.b)}",
                      *([f"    x0 = {show(case.kwargs['x0'])}"] if case.kwargs.get("x0") is not None else []),
                      f"  expected x = {show(x_ref)} after n_iter = {nit_ref}",
                      f"       got x = {show(x)} after n_iter = {n_iter}"]
        else:
            lines.append(HIDDEN_NOTE)
        raise CheckFailed("\n".join(lines))


def _start(name: str, fn: Callable, defaults: dict[str, Any], reveal: bool) -> None:
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    if not callable(fn):
        raise CheckFailed(f"pass your function {name} itself, got {type(fn).__name__}")
    refuse_course_references(fn)
    _check_signature(name, fn, defaults, reveal)


# --- nonlinear_cg and bfgs: following the student's line searches --------------------


#: Largest distance between the student's search direction and the rule's, where
#: rounding allows no more (see ``DirectionRule.tolerance``).
DIRECTION_TOLERANCE = 1e-6

#: Unit round-off of float64, and how far beyond a first-order bound of the rounding
#: error of another order of operations (or another BLAS kernel) the checks still
#: accept a value or a decision.
EPS = float(np.finfo(np.float64).eps)
SAFETY = 1e3

#: Relative band around the stopping test ‖g‖ ≤ tol in which both stopping and going
#: on are accepted (the norm's rounding depends on how it is computed).
STOP_BAND = 1e-9


class _Stop(BaseException):
    """Ends a student's run at the first wrong step (a BaseException, so that a student's
    ``except Exception`` does not swallow it)."""


@dataclass(frozen=True)
class Problem:
    """An objective for the solver checks: f, its gradient and a start."""

    name: str
    objective: Any
    x0: np.ndarray

    def f(self, x: np.ndarray) -> float:
        return float(self.objective.value(np.asarray(x, dtype=np.float64)))

    def grad(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self.objective.grad(np.asarray(x, dtype=np.float64)), dtype=np.float64)


class DirectionRule:
    """How a method's search direction follows from what it has seen (see subclasses).

    ``accepted(k, g)`` returns the directions the method may take at step k, given the
    gradient g there: the rule's, and a restart d = −g where the method allows one or
    where rounding may decide for or against it; ``tolerance(k, g)`` how far the
    student's direction may be from one of them, scaled to the conditioning of the
    computation; ``learn(d, g, s, y)`` records step k (direction d, gradient g, step s,
    change of gradient y). ``candidates(k, g)`` maps diagnoses of known mistakes to the
    directions they would take.
    """

    method: str
    formula: str

    def accepted(self, k: int, g: np.ndarray) -> list[np.ndarray]:
        raise NotImplementedError

    def tolerance(self, k: int, g: np.ndarray) -> float:
        return DIRECTION_TOLERANCE

    def candidates(self, k: int, g: np.ndarray) -> dict[str, np.ndarray]:
        return {}

    def learn(self, d: np.ndarray, g: np.ndarray, s: np.ndarray, y: np.ndarray) -> None:
        raise NotImplementedError


_PR = "β = (g_t − g_{t−1})ᵀg_t / g_{t−1}ᵀg_{t−1}"


class PolakRibiere(DirectionRule):
    """d_t = −g_t + β_t d_{t−1}, β Polak–Ribière's; d₀ = −g₀; a restart d = −g where the
    PR direction is no descent direction, where β < 0 (PR+), every n steps, and where
    gᵀd is within rounding of 0 (either choice is then accepted)."""

    method = "nonlinear_cg"
    formula = f"d₀ = −g₀;  d_t = −g_t + β_t d_{{t−1}} with {_PR} (d = −g when that is no descent direction)"

    def __init__(self, n: int) -> None:
        self.n = n
        self.g_prev: np.ndarray | None = None
        self.d_prev: np.ndarray | None = None

    def _beta(self, g: np.ndarray) -> float:
        return float((g - self.g_prev) @ g) / float(self.g_prev @ self.g_prev)

    def _rounding(self, g: np.ndarray) -> float:
        """A first-order bound of the rounding error (in norm) of −g + β d_{t−1} computed
        in another order: β's numerator (g_t − g_{t−1})ᵀg_t cancels where g_t ≈ g_{t−1}."""
        gp, dp, n = self.g_prev, self.d_prev, g.size
        beta = self._beta(g)
        beta_error = n * EPS * (float((np.abs(g) + np.abs(gp)) @ np.abs(g)) / float(gp @ gp) + abs(beta))
        return SAFETY * (beta_error * float(np.linalg.norm(dp))
                         + EPS * (float(np.linalg.norm(g)) + abs(beta) * float(np.linalg.norm(dp))))

    def accepted(self, k: int, g: np.ndarray) -> list[np.ndarray]:
        if k == 0:
            return [-g]
        beta = self._beta(g)
        d = -g + beta * self.d_prev
        slope, slack = float(g @ d), float(np.linalg.norm(g)) * self._rounding(g)
        directions = [d] if slope < slack else []
        if slope > -slack or beta < 0 or k % self.n == 0:
            directions.append(-g)
        return directions

    def tolerance(self, k: int, g: np.ndarray) -> float:
        if k == 0:
            return DIRECTION_TOLERANCE
        d = -g + self._beta(g) * self.d_prev
        return max(DIRECTION_TOLERANCE, self._rounding(g) / max(float(np.linalg.norm(d)), np.finfo(float).tiny))

    def candidates(self, k: int, g: np.ndarray) -> dict[str, np.ndarray]:
        if k == 0:
            return {}
        gp, dp, gg = self.g_prev, self.d_prev, float(self.g_prev @ self.g_prev)
        pr = self._beta(g)
        with np.errstate(all="ignore"):
            return {
                "Fletcher–Reeves instead of Polak–Ribière: β = g_tᵀg_t / g_{t−1}ᵀg_{t−1}; "
                f"Polak–Ribière's is {_PR}": -g + float(g @ g) / gg * dp,
                f"β is inverted; it is {_PR}": -g + (1.0 / pr) * dp,
                f"β is divided by the new g_tᵀg_t; it is {_PR}": -g + float((g - gp) @ g) / float(g @ g) * dp,
                "β multiplies the previous gradient; it multiplies the previous direction: "
                "d_t = −g_t + β_t d_{t−1}": -g + pr * gp,
                "β has the wrong sign: d_t = −g_t + β_t d_{t−1}": -g - pr * dp,
                "the direction is −g_t at every step (steepest descent): the term β_t d_{t−1} is missing": -g,
                "the direction has the wrong sign: d_t = −g_t + β_t d_{t−1}": g - pr * dp,
                "no restart: where −g_t + β_t d_{t−1} is not a descent direction (gᵀd ≥ 0), take d = −g_t":
                    -g + pr * dp,
            }

    def learn(self, d: np.ndarray, g: np.ndarray, s: np.ndarray, y: np.ndarray) -> None:
        self.g_prev, self.d_prev = g, d


def _bfgs_h(H: np.ndarray, s: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The inverse BFGS update, skipped when yᵀs ≤ 0 (here, not the reference's: the
    reference is disabled while the student's solver runs)."""
    return H if y @ s <= 0 else _inverse_update(H, s, y, 1 / (y @ s))


class InverseBFGS(DirectionRule):
    """d_k = −H_k g_k with H₀ = I and H updated by :func:`bfgs_inverse_update` with the
    student's (s, y); the known mistakes keep their own H, built from the same pairs."""

    method = "bfgs"
    formula = ("H₀ = I;  d_k = −H_k g_k;  s = x_{k+1} − x_k, y = g_{k+1} − g_k;  "
               "H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ with ρ = 1/(yᵀs) (skipped if yᵀs ≤ 0)")

    #: diagnosis -> (update of the mistake's H, its direction from H and g)
    MISTAKES: dict[str, tuple[Callable, Callable]] = {
        "d = −B g with B the Hessian approximation: the update of B, B + yyᵀ/yᵀs − BssᵀB/sᵀBs, is "
        "applied to H, or H is used as the Hessian (d = −H⁻¹g, the same directions); H approximates "
        "the inverse Hessian: d = −H g, with H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ":
            (_skipping(_b_update), lambda H, g: -H @ g),
        "ρ = 1/(sᵀs) in the update; it is ρ = 1/(yᵀs)":
            (_skipping(lambda H, s, y: _inverse_update(H, s, y, 1 / (s @ s))), lambda H, g: -H @ g),
        "H is never updated (d = −g at every step: gradient descent). Assign the update to H, and "
        "take y = g_{k+1} − g_k: with the other sign yᵀs < 0 and every update is skipped":
            (lambda H, s, y: H, lambda H, g: -g),
    }
    S_IS_D = "s is the direction d; it is the step actually taken, s = x_{k+1} − x_k = α d"

    def __init__(self, n: int) -> None:
        self.H = np.eye(n)
        self.updates = 0
        self.others = {diagnosis: np.eye(n) for diagnosis in self.MISTAKES}
        self.s_is_d = np.eye(n)

    def accepted(self, k: int, g: np.ndarray) -> list[np.ndarray]:
        return [-self.H @ g]

    def tolerance(self, k: int, g: np.ndarray) -> float:
        """Rounding of H built by k updates in another order grows with H's condition number."""
        return max(DIRECTION_TOLERANCE, SAFETY * EPS * float(np.linalg.cond(self.H)) * (self.updates + 1))

    def candidates(self, k: int, g: np.ndarray) -> dict[str, np.ndarray]:
        with np.errstate(all="ignore"):
            found = {diagnosis: direction(self.others[diagnosis], g)
                     for diagnosis, (_, direction) in self.MISTAKES.items()}
            found[self.S_IS_D] = -self.s_is_d @ g
        return found

    def learn(self, d: np.ndarray, g: np.ndarray, s: np.ndarray, y: np.ndarray) -> None:
        self.updates += bool(y @ s > 0)
        self.H = _bfgs_h(self.H, s, y)
        with np.errstate(all="ignore"):
            for diagnosis, (update, _) in self.MISTAKES.items():
                self.others[diagnosis] = update(self.others[diagnosis], s, y)
            self.s_is_d = _bfgs_h(self.s_is_d, d, y)


class _Spy:
    """Stands in for ``strong_wolfe`` while the student's solver runs: checks each call's
    point and direction against ``rule`` and the student's own iterates, then runs the
    real line search. The first wrong step is kept in ``failure`` and ends the run.

    Only what rounding cannot decide is judged: each direction against what the
    student's own previous steps imply, never a trajectory against another. Once a line
    search has failed (α = 0: the bracket shrank below rounding), the run is at the
    rounding floor and its later directions are not judged; the solver may also stop
    there. A known mistake is named only if it explains every step of the run so far
    (restarts aside).
    """

    def __init__(self, problem: Problem, rule: DirectionRule, tol: float) -> None:
        self.problem, self.rule, self.tol = problem, rule, tol
        self.real = linesearch.strong_wolfe
        self.x = problem.x0.copy()
        self.steps = 0
        self.stalled = False
        self.explains: dict[str, bool] = {}  # diagnosis -> whether it explains every step so far
        self.failure: str | None = None

    def fail(self, message: str) -> None:
        self.failure = message
        raise _Stop(message)

    def __call__(self, f: Callable, grad: Callable, x: Any, d: Any, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        k, method = self.steps, self.rule.method
        x, d = np.asarray(x, dtype=np.float64), np.asarray(d, dtype=np.float64)
        if x.shape != self.x.shape or d.shape != self.x.shape:
            self.fail(f"{method} called strong_wolfe with x or d not of the shape of x0")
        if not distance(x, self.x) <= 1e-12:
            self.fail(f"the line search of iteration {k} does not start from the point the previous one "
                      "reached: move to x ← x + αd, the result's `.x`")
        g = self.problem.grad(x)
        if np.linalg.norm(g) < self.tol * (1 - STOP_BAND):
            self.fail(f"{method} goes on after ‖g‖ ≤ tol: stop when ‖g‖ ≤ tol, before the next line search")
        if not self.stalled:
            self._judge(k, g, d)
        result = self.real(f, grad, x, d, *args, **kwargs)
        if result.alpha > 0:
            self.rule.learn(d, g, result.x - x, self.problem.grad(result.x) - g)
            self.x = np.asarray(result.x, dtype=np.float64)
        else:
            self.stalled = True
        self.steps += 1
        return result

    def _judge(self, k: int, g: np.ndarray, d: np.ndarray) -> None:
        """Fail unless ``d`` is a direction the rule accepts at step k; keep track of the
        known mistakes that explain the run."""
        __tracebackhide__ = True
        tol = self.rule.tolerance(k, g)
        candidates = self.rule.candidates(k, g)
        if not any(distance(d, accepted) <= tol for accepted in self.rule.accepted(k, g)):
            self.fail(self._wrong_direction(k, g, d, candidates, tol))
        if distance(d, -g) > tol:  # a restart d = −g says nothing: most mistakes restart too
            for diagnosis, candidate in candidates.items():
                self.explains[diagnosis] = self.explains.get(diagnosis, True) and distance(d, candidate) <= tol

    def _wrong_direction(self, k: int, g: np.ndarray, d: np.ndarray, candidates: dict[str, np.ndarray],
                         tol: float) -> str:
        where = "the first search direction" if k == 0 else f"the search direction of iteration {k}"
        message = f"{where} is wrong"
        if k == 0 and distance(d, -g) > tol:
            return f"{message}: the first direction is steepest descent, d₀ = −g₀"
        found = [diagnosis for diagnosis, candidate in candidates.items()
                 if distance(d, candidate) <= tol and self.explains.get(diagnosis, True)]
        if found:  # several mistakes may give the same direction at this step
            return f"{message}. It looks like {'; or '.join(found)}"
        if g @ d >= 0:
            return f"{message}: it is not a descent direction (gᵀd ≥ 0); compare with {self.rule.formula}"
        return f"{message}; compare your code with {self.rule.formula}"


@contextlib.contextmanager
def _spying(fn: Callable, spy: _Spy) -> Iterator[None]:
    """Replace ``strong_wolfe`` by ``spy`` in course.linesearch and wherever the student's
    namespace holds it (in the notebook's process while autograding); restore on exit."""
    if isinstance(fn, Remote):
        with fn._replaced("course.linesearch", "strong_wolfe", spy):
            yield
        return
    namespace = getattr(inspect.unwrap(fn), "__globals__", {})
    modules = dict.fromkeys(m for m in (linesearch, sys.modules.get("course.linesearch")) if m is not None)
    with contextlib.ExitStack() as stack:
        for module in modules:
            stack.enter_context(replaced(module, "strong_wolfe", spy, namespace))
        yield


def _follow(fn: Callable, problem: Problem, rule: DirectionRule, kwargs: dict, reveal: bool) -> str | None:
    """Run the student's solver on ``problem`` with its line searches followed; what is wrong, or None."""
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    name = rule.method
    tol, maxiter = kwargs.get("tol", 1e-6), kwargs.get("maxiter", 2000)
    spy = _Spy(problem, rule, tol)
    x0 = problem.x0.copy()
    text = f"{name}(f, grad, x0" + "".join(f", {k}={v!r}" if reveal else f", {k}={k}" for k, v in kwargs.items()) + ")"
    result = None
    try:
        with calling(name, text), _spying(fn, spy):
            result = fn(problem.f, problem.grad, x0, **kwargs)
    except _Stop:
        pass
    if spy.failure:
        return spy.failure
    _unchanged(name, {"x0": x0}, {"x0": problem.x0})
    x, n_iter = _solver_outputs(name, result, len(x0))
    g_norm = float(np.linalg.norm(problem.grad(x))) if np.all(np.isfinite(x)) else np.inf
    if spy.steps == 0 and (n_iter > 0 or g_norm > tol):
        return (f"{name} never called the provided strong_wolfe: take every step with "
                "`step = strong_wolfe(f, grad, x, d)` and move to `step.x` (the check follows these calls)")
    if not distance(x, spy.x) <= 1e-12:
        return f"{name} returns an x other than the point its last line search reached"
    if n_iter != spy.steps:
        counts = f" (n_iter = {n_iter} after {spy.steps} line searches)" if reveal else ""
        return f"{name} returns a wrong n_iter{counts}: n_iter is the number of iterations (line searches) taken"
    if n_iter < maxiter and g_norm > tol * (1 + STOP_BAND) and not spy.stalled:
        return f"{name} stops with ‖g‖ > tol before maxiter iterations: iterate until ‖g‖ ≤ tol or maxiter iterations"
    return None


def _problems(seed: int) -> list[tuple[Problem, dict]]:
    """Rosenbrock in 2 and 4 dimensions and an ill-conditioned quadratic, each with the
    keyword arguments of the call (the default tol, maxiter, or smaller ones)."""
    rng = np.random.default_rng(seed)
    start = np.array([-1.2, 1.0]) if seed == 0 else np.round(rng.uniform(-2, 2, 2), 2)
    n = int(rng.integers(6, 9))
    quadratic = Quadratic(_spd(rng, n, 1.0, 100.0), np.round(rng.normal(size=n), 3))
    return [
        (Problem(f"Rosenbrock from x0 = {show(start)}", Rosenbrock(2), start), {}),
        (Problem(f"a {n}-dimensional quadratic with condition number up to 100", quadratic,
                 np.round(rng.normal(size=n), 3)), {"tol": 1e-8}),
        (Problem("4-dimensional Rosenbrock, stopped by maxiter", Rosenbrock(4),
                 np.round(rng.uniform(-1.5, 1.5, 4), 2)), {"maxiter": 15}),
    ]


def _check_line_search_solver(fn: Callable, rule_for: Callable[[int], DirectionRule], seed: int,
                              reveal: bool) -> None:
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    name = rule_for(2).method
    _start(name, fn, {"tol": 1e-6, "maxiter": 2000}, reveal)
    for problem, kwargs in _problems(seed):
        verdict = _follow(fn, problem, rule_for(len(problem.x0)), kwargs, reveal)
        if verdict is not None:
            where = problem.name if reveal else "a test problem"
            tail = "" if reveal else f"\n{HIDDEN_NOTE}"
            raise CheckFailed(f"{name} on {where}: {verdict}.{tail}")


def check_nonlinear_cg(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``nonlinear_cg(f, grad, x0, tol=1e-6, maxiter=2000) -> (x, n_iter)``.

    The solver must take its steps with the provided ``strong_wolfe`` (any c₁, c₂,
    first trial step): the check follows those calls and verifies every direction,
    d₀ = −g₀ and d_t = −g_t + β_t d_{t−1} with Polak–Ribière's β (d = −g is accepted
    where that is no descent direction, where β < 0, or every n steps), then the
    returned x, n_iter and stopping test. A wrong direction is named when it is one
    of the common mistakes (Fletcher–Reeves, β inverted, …).
    Parameters, errors: as :func:`check_exact_step`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    _check_line_search_solver(fn, PolakRibiere, seed, reveal)


def check_bfgs(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``bfgs(f, grad, x0, tol=1e-6, maxiter=2000) -> (x, n_iter)``.

    As :func:`check_nonlinear_cg`, with the directions d_k = −H_k g_k, H₀ = I and H
    updated by the inverse BFGS formula from the student's own steps s and changes of
    gradient y (skipped when yᵀs ≤ 0).
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    _check_line_search_solver(fn, InverseBFGS, seed, reveal)


__all__ = [
    "check_bfgs",
    "check_bfgs_inverse_update",
    "check_closed_form",
    "check_conjugate_gradient",
    "check_exact_step",
    "check_exact_step_orthogonal",
    "check_nonlinear_cg",
    "closed_form_iterate",
]
