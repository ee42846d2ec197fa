"""Checks of the exact line search on a quadratic (lecture 06): ``exact_step``, the
orthogonality of the gradients of its iteration, ``closed_form`` (the zig-zag on
½(x² + b y²) from (b, 1)) and ``optimal_constant_step`` (the best constant step of
gradient descent, predicted before the explorer shows it). Each returns arrays or a
number and goes through :func:`~course.checks.common.verify`.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from course import secondorder
from course.checks.common import HIDDEN_NOTE, Case, Exercise, Mistake, calling, distance, pick, show, verify
from course.checks.failure import MISSING_RETURN, WRONG_RETURN_TYPE, WRONG_SHAPE, CheckFailed, mistake_id
from course.checks.own_work import refuse_course_references
from course.checks.secondorder.shared import spd

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
                "−g is α* = gᵀg / gᵀAg", lambda A, x: x - A @ x, slug="alpha-one"),
        Mistake("α* has the wrong sign: x + α*g climbs; the step goes along −g, x − α*g",
                _step_with(lambda A, x, g: (g @ g) / (g @ A @ g), sign=1.0), slug="wrong-sign"),
        Mistake("α* is inverted: it is gᵀg / gᵀAg, not gᵀAg / gᵀg",
                _step_with(lambda A, x, g: (g @ A @ g) / (g @ g)), slug="inverted"),
        Mistake("α* has a factor ½ too many: φ(α) = f(x) − α gᵀg + ½ α² gᵀAg is smallest at "
                "α* = gᵀg / gᵀAg", _step_with(lambda A, x, g: (g @ g) / (2 * (g @ A @ g))), slug="half"),
        Mistake("the numerator of α* is ‖g‖; it is gᵀg = ‖g‖²",
                _step_with(lambda A, x, g: np.sqrt(g @ g) / (g @ A @ g)), slug="norm-not-squared"),
        Mistake("the denominator of α* uses x: α* = gᵀg / gᵀAg with the gradient g = Ax",
                _step_with(lambda A, x, g: (g @ g) / (x @ A @ x)), slug="x-in-denominator"),
        Mistake("the gradient of f = ½ xᵀAx is taken as x; it is g = Ax",
                _step_with(lambda A, x, g: (g @ g) / (g @ A @ g), grad_is_x=True), slug="gradient-is-x"),
        Mistake("it returns the step −α*g instead of the new point x − α*g",
                lambda A, x: _exact_step(A, x) - x, slug="returns-step"),
    ),
)


def _exact_step_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for dtype in (np.float64, np.float32):
        name = np.dtype(dtype).name
        n = int(rng.integers(3, 6))
        cases.append(Case(f"for one step on a {n}-dimensional quadratic in {name}",
                          (spd(rng, n).astype(dtype), np.round(rng.uniform(-2, 2, n), 3).astype(dtype)),
                          dtype=dtype))
        cases.append(Case(f"for a run of steps, each from the last, in {name}",
                          (spd(rng, 3, 1.0, 10.0).astype(dtype), np.round(rng.uniform(-2, 2, 3), 3).astype(dtype)),
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
              ("a 4-dimensional quadratic", spd(rng, 4, 1.0, 10.0), np.round(rng.uniform(-2, 2, 4), 3))]
    for where, A, x0 in starts:
        path = [x0]
        for _ in range(10):
            with calling("exact_step", "exact_step(A, x)"):
                x = fn(A, path[-1].copy())
            if not isinstance(x, np.ndarray) or x.shape != x0.shape:
                raise CheckFailed(f"exact_step must return the new x as an array of shape {x0.shape}.",
                                  mistake_id("exact_step", MISSING_RETURN if x is None else
                                             WRONG_SHAPE if isinstance(x, np.ndarray) else WRONG_RETURN_TYPE))
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
    named = None
    for mistake in EXACT_STEP.mistakes:
        x, same = x0, True
        with np.errstate(all="ignore"):
            for expected in path[1:]:
                x = mistake.implementation(A, x)
                same = same and distance(x, expected) < 1e-9
        if same:
            lines.append(f"It looks like {mistake.diagnosis}.")
            named = mistake
            break
    if reveal:
        lines.append(f"cos ∠(g_{k + 1}, g_{k}) = {cosine:.3g}, with x_{k} = {show(path[k])}, "
                     f"x_{k + 1} = {show(path[k + 1])} and A = {show(A)}.")
    else:
        lines.append(HIDDEN_NOTE)
    raise CheckFailed("\n".join(lines), mistake_id("exact_step", named.slug if named else None))


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
    formula="of your derivation: one exact step from a point (b t, ±t) lands on a point of the same form, "
            "(b t', ∓t'); find t'/t, then x_k and y_k by induction from (x₀, y₀) = (b, 1)",
    mistakes=(
        Mistake("ρ has the wrong sign: ρ = (b − 1)/(b + 1) is negative for b < 1, and y_k = (−ρ)ᵏ",
                _with_rho(lambda b: (1 - b) / (1 + b), lambda b, r, k: b * r**k, lambda r, k: (-r) ** k),
                slug="rho-sign"),
        Mistake("y_k = ρᵏ; the sign of y alternates with ρ < 0: y_k = (−ρ)ᵏ",
                _with_rho(_rho, lambda b, r, k: b * r**k, lambda r, k: r**k), slug="y-no-alternation"),
        Mistake("x_k misses the factor b: x_k = b ρᵏ (x₀ = b)",
                _with_rho(_rho, lambda b, r, k: r**k, lambda r, k: (-r) ** k), slug="x-without-b"),
        Mistake("ρ²ᵏ is the rate of f (f_k = ρ²ᵏ f₀); the iterates shrink by |ρ| per step: "
                "x_k = b ρᵏ, y_k = (−ρ)ᵏ",
                _with_rho(_rho, lambda b, r, k: b * r ** (2 * k), lambda r, k: r ** (2 * k)), slug="rate-of-f"),
        Mistake("ρ is inverted: ρ = (b − 1)/(b + 1), with |ρ| < 1",
                _with_rho(lambda b: (b + 1) / (b - 1) if b != 1 else np.inf,
                          lambda b, r, k: b * r**k, lambda r, k: (-r) ** k), slug="rho-inverted"),
        Mistake("an off-by-one in k: (x₀, y₀) = (b, 1) is the iterate k = 0",
                lambda b, k: closed_form_iterate(b, k + 1), slug="off-by-one"),
        Mistake("the coordinates are swapped: return [x_k, y_k]",
                lambda b, k: closed_form_iterate(b, k)[::-1].copy(), slug="swapped"),
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


# --- optimal_constant_step (predict, then check) ------------------------------------


def best_constant_step(lam_min: float, lam_max: float) -> float:
    """ε* = 2/(λ_min + λ_max), the constant step of gradient descent that minimises
    max_i |1 − ελ_i| over the eigenvalues in [λ_min, λ_max]."""
    return 2 / (lam_min + lam_max)


_BALANCE = ("the best constant step makes the slowest direction shrink as fast as the fastest one allows: "
            "|1 − ε λ_min| = |1 − ε λ_max|, with 1 − ε λ_min > 0 > 1 − ε λ_max")

OPTIMAL_STEP = Exercise(
    name="optimal_constant_step",
    params=("lam_min", "lam_max"),
    outputs=("eps",),
    reference=best_constant_step,
    formula="ε* = argmin over ε of max(|1 − ε λ_min|, |1 − ε λ_max|) (per step, gradient descent multiplies "
            "the component of x − x* along the eigenvector of λ_i by 1 − ε λ_i)",
    scalar=True,
    mistakes=(
        Mistake("ε = 2/λ_max, the edge of divergence: along the steepest eigenvector 1 − ε λ_max = −1, so that "
                "component flips sign and never shrinks; " + _BALANCE,
                lambda lam_min, lam_max: 2 / lam_max, slug="edge-of-divergence"),
        Mistake("ε = 1/λ_max, a safe step but not the best: the steep component vanishes in one step while the "
                "flat one shrinks only by 1 − λ_min/λ_max; " + _BALANCE,
                lambda lam_min, lam_max: 1 / lam_max, slug="safe-step"),
        Mistake("ε = 1/λ_min: the flat component vanishes in one step, but |1 − λ_max/λ_min| > 1 makes the steep "
                "one grow (divergence); " + _BALANCE,
                lambda lam_min, lam_max: 1 / lam_min, slug="flat-step"),
        Mistake("a factor 2 is missing: " + _BALANCE,
                lambda lam_min, lam_max: 1 / (lam_min + lam_max), slug="missing-two"),
        Mistake("a sign is wrong: 2/(λ_max − λ_min) solves ε λ_max − 1 = 1 + ε λ_min; " + _BALANCE,
                lambda lam_min, lam_max: 2 / (lam_max - lam_min) if lam_max != lam_min else np.inf,
                slug="difference"),
        Mistake("ε is inverted: a step has the units of 1/λ",
                lambda lam_min, lam_max: (lam_min + lam_max) / 2, slug="inverted"),
        Mistake("that is the best ε of the heavy-ball method, 4/(√λ_min + √λ_max)² (lecture 04): with momentum "
                "the rate is another function of ε; without it, " + _BALANCE,
                lambda lam_min, lam_max: 4 / (lam_min**0.5 + lam_max**0.5) ** 2, slug="momentum"),
    ),
)


def _pairs_case(label: str, pairs: list[tuple[float, float]]) -> Case:
    return Case(label, pairs[0], steps=len(pairs), advance=lambda k, args, out: pairs[k])


def _optimal_step_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    spread = []
    for _ in range(5):
        low = pick(rng, 0.01, 2.0)
        spread.append((low, round(low * float(rng.uniform(2.0, 1000.0)), 3)))
    b = pick(rng, 0.01, 0.5, 2)
    lam = pick(rng, 0.1, 10.0)
    return [
        _pairs_case("for eigenvalues spread over [λ_min, λ_max]", spread),
        _pairs_case("for ½(x² + b y²) (λ_min = b, λ_max = 1)", [(b, 1.0)]),
        _pairs_case("for whole numbers", [(1, 10), (2, 3), (1, 100)]),
        _pairs_case("for λ_min = λ_max (a round bowl)", [(lam, lam)]),
    ]


def check_optimal_constant_step(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``optimal_constant_step(lam_min, lam_max)``: the constant step
    ε* = 2/(λ_min + λ_max) of gradient descent on a quadratic whose Hessian has its
    eigenvalues in [λ_min, λ_max]. Parameters, errors: as :func:`check_exact_step`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    verify(OPTIMAL_STEP, fn, _optimal_step_cases(seed), reveal)


__all__ = [
    "best_constant_step", "check_closed_form", "check_exact_step", "check_exact_step_orthogonal",
    "check_optimal_constant_step", "closed_form_iterate",
]
