"""Checks of lecture 08: ``glorot_uniform``, ``coordinate_descent_step`` and ``ema_update``.

``glorot_uniform`` draws random numbers, so its check cannot compare values with
the reference: it checks what a correct sampler must satisfy (shape, dtype, bounds,
the statistics of a large sample, determinism given a seeded generator, drawing
from the generator it is given) and names the mistake a sample looks like. The
two others are deterministic and compared with the reference by :func:`verify`.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from course import optim
from course.checks.common import DTYPES, HIDDEN_NOTE, Case, Exercise, Mistake, calling, draw, dtype_name, pick, verify
from course.checks.failure import MISSING_RETURN, WRONG_DTYPE, WRONG_RETURN_TYPE, WRONG_SHAPE, CheckFailed, mistake_id
from course.checks.own_work import refuse_course_references
from course.coordinate import coordinate_descent
from course.problems import coupled_quadratic

# --- glorot_uniform -----------------------------------------------------------------

#: Relative error allowed in the half-width b of a sample's support: with ≥ 10⁴
#: draws the largest |W_ij| of U(−b, b) misses b by about b/10⁴, while the
#: diagnosed mistakes are ≥ 8 % off on the shapes the checks use.
BOUND_TOLERANCE = 0.02

#: Excess kurtosis: −1.2 for a uniform distribution, 0 for a normal one; its
#: standard error is √(24/N) ≈ 0.05 for N = 10⁴ draws.
UNIFORM_KURTOSIS, NORMAL_KURTOSIS = -1.2, 0.0


def _glorot_bound(m: int, n: int) -> float:
    return math.sqrt(6.0 / (m + n))


def _wrong_bounds(m: int, n: int) -> list[tuple[float, str, str]]:
    """Half-widths of the supports that common mistakes draw from, with their slugs and diagnoses."""
    return [
        (math.sqrt(6.0 / m), "fan-in-only", "it uses √(6/m), the fan-in only; Glorot's bound √(6/(m + n)) "
                                            "averages the fan-in m and the fan-out n"),
        (math.sqrt(6.0 / n), "fan-out-only", "it uses √(6/n), the fan-out only; Glorot's bound √(6/(m + n)) "
                                             "averages the fan-in m and the fan-out n"),
        (1.0 / math.sqrt(m), "uniform-fan-in", "it draws from U(−1/√m, 1/√m), the fan-in initialization; "
                                               "Glorot's bound is √(6/(m + n))"),
        (math.sqrt(2.0 / (m + n)), "variance-as-bound", "it uses the variance 2/(m + n) as the square of the "
                                                        "bound; for U(−b, b) the variance is b²/3, so b = √(6/(m + n))"),
        (6.0 / (m + n), "no-sqrt", "the square root is missing: the bound is √(6/(m + n)), not 6/(m + n)"),
        (math.sqrt(6.0) / (m + n), "sqrt-of-six-only", "the square root is taken of 6 only: the bound is √(6/(m + n))"),
        (6.0 / math.sqrt(m + n), "six-over-root", "it uses 6/√(m + n), a common misprint: b²/3 = 2/(m + n) gives "
                                                  "b = √(6/(m + n))"),
    ]


def _kurtosis(w: np.ndarray) -> float:
    """Excess kurtosis E[(w − μ)⁴]/σ⁴ − 3 of the entries of ``w``."""
    z = w - w.mean()
    return float(np.mean(z**4) / np.mean(z**2) ** 2 - 3.0)


def _draw_glorot(fn: Callable, shape: tuple[int, int], rng: np.random.Generator, reveal: bool) -> np.ndarray:
    """One call of the student's ``glorot_uniform``, checked to return a float64 (m, n) array."""
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    m, n = shape
    text = f"glorot_uniform(({m}, {n}), rng)" if reveal else "glorot_uniform(shape, rng)"
    with calling("glorot_uniform", text):
        w = fn(shape, rng)
    if not isinstance(w, np.ndarray):
        got = "None (is `return` missing?)" if w is None else f"a {type(w).__name__}"
        raise CheckFailed(f"glorot_uniform must return a NumPy array, got {got}.",
                          mistake_id("glorot_uniform", MISSING_RETURN if w is None else WRONG_RETURN_TYPE))
    where = f" of shape {w.shape} for shape = ({m}, {n})" if reveal else ""
    if w.shape != (m, n):
        if w.shape == (n, m):
            raise CheckFailed(
                f"glorot_uniform returned an array{where}: the shape is transposed. "
                "The rows are the m inputs and the columns the n units: return an array of shape (m, n) = shape.",
                mistake_id("glorot_uniform", "transposed"),
            )
        raise CheckFailed(f"glorot_uniform returned an array{where} of the wrong shape; it must have the "
                          "shape (m, n) it is given.", mistake_id("glorot_uniform", WRONG_SHAPE))
    if w.dtype != np.float64:
        raise CheckFailed(f"glorot_uniform returned {w.dtype} values; return float64 (what rng.uniform gives).",
                          mistake_id("glorot_uniform", WRONG_DTYPE))
    if not np.all(np.isfinite(w)):
        raise CheckFailed("glorot_uniform returned non-finite values (inf or nan).")
    return w


def _check_uses_rng(fn: Callable, shape: tuple[int, int], seed: int, reveal: bool) -> None:
    """The same seed gives the same weights, another seed others, drawn from the rng given."""
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    rng = np.random.default_rng(seed)
    before = rng.bit_generator.state
    first = _draw_glorot(fn, shape, rng, reveal)
    if np.all(first == first.flat[0]):
        raise CheckFailed(
            "glorot_uniform returns equal weights: every unit then computes the same function and receives the "
            "same gradient, so the units never become different. Draw random weights to break the symmetry.",
            mistake_id("glorot_uniform", "equal-weights"),
        )
    drew = rng.bit_generator.state != before
    again = _draw_glorot(fn, shape, np.random.default_rng(seed), reveal)
    other = _draw_glorot(fn, shape, np.random.default_rng(seed + 1), reveal)
    if not np.array_equal(first, again):
        raise CheckFailed(
            "glorot_uniform ignores rng: two generators with the same seed gave different weights, so it "
            "looks like it uses np.random instead of the provided rng (np.random.uniform or a new "
            "np.random.default_rng()). Draw with the `rng` argument: rng.uniform(low, high, size=shape).",
            mistake_id("glorot_uniform", "global-random"),
        )
    if np.array_equal(first, other) or not drew:
        raise CheckFailed(
            "glorot_uniform ignores rng: it does not draw from the generator it is given (different seeds "
            "gave the same weights, or the generator was not used), as if it made a generator of its own. "
            "Draw with the `rng` argument: rng.uniform(low, high, size=shape).",
            mistake_id("glorot_uniform", "fixed-seed"),
        )


def _check_sample(w: np.ndarray, reveal: bool) -> None:
    """The entries of ``w`` (shape (m, n), not constant) look like a sample of U(−b, b), b = √(6/(m + n))."""
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    m, n = w.shape
    b = _glorot_bound(m, n)
    size = w.size
    top, low, mean, spread = float(np.max(np.abs(w))), float(w.min()), float(w.mean()), float(w.std())
    tail = (f"\nWith shape = ({m}, {n}): expected U(−b, b) with b = √(6/(m + n)) = {b:.4g}; the sample has "
            f"min {low:.4g}, max {float(w.max()):.4g}, mean {mean:.3g}, standard deviation {spread:.4g} "
            f"(expected b/√3 = {b / math.sqrt(3):.4g})." if reveal else f"\n{HIDDEN_NOTE}")

    def fail(problem: str, slug: str | None) -> CheckFailed:
        return CheckFailed(f"glorot_uniform {problem}.{tail}", mistake_id("glorot_uniform", slug))

    kurtosis = _kurtosis(w)
    if abs(kurtosis - NORMAL_KURTOSIS) < abs(kurtosis - UNIFORM_KURTOSIS):
        raise fail("does not draw from a uniform distribution: it looks like it draws from a normal "
                   "distribution (rng.normal) instead of uniform. Use rng.uniform(−b, b, size=shape)", "normal")
    if low >= 0.0:
        raise fail("returns no negative weights: it looks like U(0, b) (rng.random() or rng.uniform(0, b)); "
                   "the weights are drawn from U(−b, b), symmetric around 0", "positive-only")
    if abs(mean) > 6.0 * spread / math.sqrt(size) or abs(low + top) > 2 * BOUND_TOLERANCE * top:
        raise fail("draws from an interval that is not symmetric around 0; the weights are drawn from U(−b, b)",
                   "not-symmetric")
    width = top * (size + 1) / size  # the unbiased estimate of b from the largest |W_ij|
    if abs(width / b - 1.0) <= BOUND_TOLERANCE and abs(spread * math.sqrt(3.0) / b - 1.0) <= BOUND_TOLERANCE:
        return
    for wrong, slug, diagnosis in _wrong_bounds(m, n):
        if abs(width / wrong - 1.0) <= BOUND_TOLERANCE:
            raise fail(f"draws from U(−b, b) with the wrong bound b: {diagnosis}", slug)
    raise fail("draws from U(−b, b) with the wrong bound b, or from a distribution that is not uniform; "
               "b = √(6/(m + n)) for m inputs (rows) and n units (columns)", None)


def check_glorot_uniform(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``glorot_uniform(shape, rng)``: W ~ U(−√(6/(m+n)), √(6/(m+n))).

    Random weights cannot be compared with the reference's values, so the check
    draws large samples for several shapes (m inputs ≠ n units, both ways round)
    and checks: a float64 NumPy array of shape (m, n); reproducible with the same
    seed, different for another seed, drawn from the given ``rng``; not constant;
    uniform (excess kurtosis near −1.2, not 0 as for a normal); symmetric around 0;
    the largest |W_ij| and the standard deviation agree with b = √(6/(m + n)) and
    b/√3 within 2 %. A failure names the mistake the sample looks like.

    Parameters
    ----------
    fn : callable
        The student's function.
    seed : int
        Seed of the shapes and generators (hidden tests use their own).
    reveal : bool
        Whether a failure may show the shape and the statistics of the sample.

    Raises
    ------
    CheckFailed
        An AssertionError saying what is wrong and which common mistake it looks like.
    NotImplementedError
        Unchanged, while the exercise is not done.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    if not callable(fn):
        raise CheckFailed(f"pass your function glorot_uniform itself, got {type(fn).__name__}")
    refuse_course_references(fn)
    rng = np.random.default_rng(seed)
    wide = int(rng.integers(250, 400))
    narrow = int(rng.integers(60, 120))
    seeds = [int(s) for s in rng.integers(0, 10_000, 3)]
    _check_uses_rng(fn, (wide, narrow), seeds[0], reveal)
    for shape, generator_seed in (((wide, narrow), seeds[1]), ((narrow, wide), seeds[2])):
        _check_sample(_draw_glorot(fn, shape, np.random.default_rng(generator_seed), reveal), reveal)


# --- coordinate_descent_step ----------------------------------------------------------


def _sweep(x: np.ndarray, alpha: float) -> np.ndarray:
    """The reference: one sweep of :func:`course.coordinate.coordinate_descent`."""
    return coordinate_descent(coupled_quadratic(alpha, xp=np), x, 1)[-1]


def _gauss_seidel(x: np.ndarray, first: Callable[[float], float], second: Callable[[float], float]) -> np.ndarray:
    """x₁ ← first(x₂), then x₂ ← second(new x₁), in x's dtype."""
    x1 = first(x[1])
    return np.stack([x1, second(x1)]).astype(x.dtype)


def _gradient(x: np.ndarray, alpha: float) -> np.ndarray:
    """∇f(x) = (2(x₁ − x₂) + 2αx₁, −2(x₁ − x₂) + 2αx₂)."""
    d = x[0] - x[1]
    return np.array([2 * d + 2 * alpha * x[0], -2 * d + 2 * alpha * x[1]])


COORDINATE = Exercise(
    name="coordinate_descent_step",
    params=("x", "alpha"),
    outputs=("x",),
    reference=_sweep,
    formula="x₁ ← x₂/(1 + α), then x₂ ← x₁/(1 + α) with the new x₁",
    mistakes=(
        Mistake("both coordinates are updated from the old x (a Jacobi sweep): x₂ must use the new x₁, "
                "x₁ ← x₂/(1 + α), then x₂ ← x₁/(1 + α)",
                lambda x, alpha: np.stack([x[1] / (1 + alpha), x[0] / (1 + alpha)]).astype(x.dtype), slug="jacobi"),
        Mistake("x₁ ← x₂/α: setting ∂f/∂x₁ = 2(x₁ − x₂) + 2αx₁ = 0 gives x₁ = x₂/(1 + α)",
                lambda x, alpha: _gauss_seidel(x, lambda v: v / alpha, lambda v: v / alpha), slug="divides-by-alpha"),
        Mistake("α is missing: x₁ ← x₂ minimizes (x₁ − x₂)² alone; with the term α(x₁² + x₂²), "
                "x₁ ← x₂/(1 + α)", lambda x, alpha: _gauss_seidel(x, lambda v: v, lambda v: v), slug="missing-alpha"),
        Mistake("x₁ ← x₂/(1 + 2α): the derivative of (x₁ − x₂)² is 2(x₁ − x₂), so ∂f/∂x₁ = 0 gives "
                "x₁ = x₂/(1 + α)",
                lambda x, alpha: _gauss_seidel(x, lambda v: v / (1 + 2 * alpha), lambda v: v / (1 + 2 * alpha)),
                slug="one-plus-two-alpha"),
        Mistake("x₁ ← x₂ (1 − α): the exact minimizer is x₁ = x₂/(1 + α) (1 − α is only its first-order "
                "approximation)",
                lambda x, alpha: _gauss_seidel(x, lambda v: v * (1 - alpha), lambda v: v * (1 - alpha)),
                slug="first-order-minimizer"),
        Mistake("the coordinates are updated in the wrong order (x₂ first); the sweep is x₁ ← x₂/(1 + α), "
                "then x₂ ← x₁/(1 + α)",
                lambda x, alpha: np.stack([x[0] / (1 + alpha) ** 2, x[0] / (1 + alpha)]).astype(x.dtype),
                slug="wrong-order"),
    ),
)

_GRADIENT_STEP = ("it takes a gradient step x ← x − ε∇f(x) instead of minimizing exactly: set ∂f/∂x₁ = 0 and "
                  "solve for x₁ (x₁ ← x₂/(1 + α)), then the same for x₂ with the new x₁")


def _check_not_gradient_step(fn: Callable, seed: int, reveal: bool) -> None:
    """Fail a function whose move from x is along −∇f(x) (a gradient step of any size ε)."""
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    rng = np.random.default_rng(seed)
    x, alpha = draw(rng, (2,), np.float64), pick(rng, 0.05, 0.5)
    text = f"coordinate_descent_step(x, alpha={alpha})" if reveal else "coordinate_descent_step(x, alpha)"
    with calling("coordinate_descent_step", text):
        got = fn(x.copy(), alpha)
    if not isinstance(got, np.ndarray) or got.shape != (2,):
        return  # verify explains what is wrong with the returned value
    if any(np.allclose(got, mistake.implementation(x, alpha), rtol=1e-9, atol=0) for mistake in COORDINATE.mistakes):
        return  # verify names the mistake (a Jacobi sweep is a gradient step too, with ε = 1/(2 + 2α))
    move, g = np.asarray(got, dtype=np.float64) - x, _gradient(x, alpha)
    cross = move[0] * g[1] - move[1] * g[0]
    parallel = abs(cross) <= 1e-9 * np.linalg.norm(move) * np.linalg.norm(g)
    if parallel and move @ g < 0 and not np.allclose(got, _sweep(x, alpha), rtol=1e-9, atol=0):
        shown = f"Example: x = {np.array2string(x, separator=', ')}, alpha = {alpha}"
        example = f"\n{shown}" if reveal else f"\n{HIDDEN_NOTE}"
        raise CheckFailed(f"coordinate_descent_step moves x along −∇f(x). It looks like {_GRADIENT_STEP}.{example}",
                          mistake_id("coordinate_descent_step", "gradient-step"))


def _coordinate_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for dtype in DTYPES:
        for low, high, what in ((0.01, 0.1, "small α"), (0.3, 3.0, "moderate α"), (5.0, 20.0, "large α")):
            cases.append(Case(f"for one sweep with {what} in {dtype_name(dtype)}",
                              (draw(rng, (2,), dtype), pick(rng, low, high)), dtype=dtype))
    for dtype in DTYPES:
        cases.append(Case(
            f"for a run of sweeps in {dtype_name(dtype)}", (draw(rng, (2,), dtype), pick(rng, 0.02, 0.2)),
            dtype=dtype, steps=15, advance=lambda k, args, out: (out[0], args[1]),
        ))
    return cases


def check_coordinate_descent_step(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``coordinate_descent_step(x, alpha) -> x``.

    One sweep of exact coordinate minimization on f(x) = (x₁ − x₂)² + α(x₁² + x₂²):
    x₁ ← x₂/(1 + α), then x₂ ← x₁/(1 + α) with the new x₁; compared with
    :func:`course.coordinate.coordinate_descent` on single sweeps and runs of sweeps,
    in float64 and float32. Parameters, errors: as :func:`check_glorot_uniform`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    if callable(fn):
        refuse_course_references(fn)
        _check_not_gradient_step(fn, seed, reveal)
    verify(COORDINATE, fn, _coordinate_cases(seed), reveal)


# --- ema_update ----------------------------------------------------------------------

EMA = Exercise(
    name="ema_update",
    params=("prev", "theta", "alpha"),
    outputs=("average",),
    reference=optim.ema,
    formula="θ̂_t = α θ̂_{t−1} + (1 − α) θ_t",
    mistakes=(
        Mistake("α and 1 − α are swapped: the old average keeps the weight α, θ̂_t = α θ̂_{t−1} + (1 − α) θ_t",
                lambda prev, theta, alpha: (1 - alpha) * prev + alpha * theta, slug="swapped"),
        Mistake("the factor 1 − α is missing: α θ̂_{t−1} + θ_t is a sum that grows to θ/(1 − α), not an "
                "average; θ̂_t = α θ̂_{t−1} + (1 − α) θ_t",
                lambda prev, theta, alpha: alpha * prev + theta, slug="missing-one-minus-alpha"),
        Mistake("α is ignored: (θ̂_{t−1} + θ_t)/2 weighs the newest iterate ½ whatever α; "
                "θ̂_t = α θ̂_{t−1} + (1 − α) θ_t", lambda prev, theta, alpha: (prev + theta) / 2, slug="plain-mean"),
        Mistake("it returns the old average: the update is computed but not returned",
                lambda prev, theta, alpha: prev, slug="returns-prev"),
        Mistake("it returns θ_t, not the average", lambda prev, theta, alpha: theta, slug="returns-current"),
        Mistake("it divides by 1 − α, a bias correction as in Adam; the moving average of the iterates is "
                "θ̂_t = α θ̂_{t−1} + (1 − α) θ_t, uncorrected",
                lambda prev, theta, alpha: (alpha * prev + (1 - alpha) * theta) / (1 - alpha), slug="bias-corrected"),
        Mistake("the newest iterate gets the weight (1 − α)α: it must get 1 − α (its age is 0), and every older "
                "weight shrinks by α, so θ̂_t = α θ̂_{t−1} + (1 − α) θ_t, not α (θ̂_{t−1} + (1 − α) θ_t)",
                lambda prev, theta, alpha: alpha * (prev + (1 - alpha) * theta), slug="newest-weight-alpha"),
    ),
)


def _ema_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for dtype in DTYPES:
        for shape, what in (((5,), "a vector"), ((2, 3), "a matrix")):
            args = (draw(rng, shape, dtype), draw(rng, shape, dtype), pick(rng, 0.5, 0.99, 2))
            cases.append(Case(f"for one update of {what} in {dtype_name(dtype)}", args, dtype=dtype))
    for dtype in DTYPES:
        thetas = [draw(rng, (3,), dtype) for _ in range(20)]
        cases.append(Case(
            f"for a run of updates along a path in {dtype_name(dtype)}",
            (thetas[0], thetas[0], pick(rng, 0.5, 0.95, 2)), dtype=dtype, steps=len(thetas),
            advance=lambda k, args, out, thetas=thetas: (out[0], thetas[k], args[2]),
        ))
    return cases


def check_ema_update(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``ema_update(prev, theta, alpha) -> average``:
    θ̂_t = α θ̂_{t−1} + (1 − α) θ_t. Parameters, errors: as :func:`check_glorot_uniform`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    verify(EMA, fn, _ema_cases(seed), reveal)


__all__ = ["check_coordinate_descent_step", "check_ema_update", "check_glorot_uniform"]
