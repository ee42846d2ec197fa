"""Checks of lecture 02: ``clip_by_norm``, ``step_increases_cost``, ``largest_stable_lr`` and ``hessian_eigs``."""

from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np

from course import challenges, optim
from course.checks.common import DTYPES, Case, Exercise, Mistake, draw, dtype_name, pick, verify
from course.checks.failure import CheckFailed
from course.checks.learning import verify_typed

# --- clip_by_norm -------------------------------------------------------------------


def _rescaled(g: np.ndarray, max_norm: float, factor: Callable[[float], float]) -> np.ndarray:
    """g · factor(‖g‖) when ‖g‖ > max_norm, else g (the shape of most clipping mistakes)."""
    norm = float(np.sqrt(np.sum(g.astype(np.float64) ** 2)))
    return g * factor(norm) if norm > max_norm else g


def _per_row(g: np.ndarray, max_norm: float) -> np.ndarray:
    norms = np.sqrt(np.sum(g**2, axis=-1, keepdims=True))
    return g * np.minimum(1.0, max_norm / np.maximum(norms, 1e-300))


CLIP = Exercise(
    name="clip_by_norm",
    params=("g", "max_norm"),
    outputs=("g",),
    reference=optim.clip_by_norm,
    formula="g · max_norm / ‖g‖ (a new array) if ‖g‖ > max_norm, else g itself (or a copy of it in its dtype)",
    exception_hint=lambda exc: (("A zero gradient (‖g‖ = 0) is never clipped: return it unchanged.",
                                 "divides-by-zero-norm") if isinstance(exc, ZeroDivisionError) else None),
    mistakes=(
        Mistake("each component is clipped to [−max_norm, max_norm] (np.clip), which changes the "
                "gradient's direction; clip the norm: rescale the whole g by max_norm / ‖g‖",
                lambda g, max_norm: np.clip(g, -max_norm, max_norm), slug="clips-components"),
        Mistake("g is rescaled to the norm max_norm even when ‖g‖ < max_norm; a gradient no longer "
                "than the threshold must stay unchanged",
                lambda g, max_norm: g * (max_norm / np.sqrt(np.sum(g**2))), slug="always-rescales"),
        Mistake("g is divided by max_norm; the factor is max_norm / ‖g‖",
                lambda g, max_norm: _rescaled(g, max_norm, lambda norm: 1.0 / max_norm), slug="divides-by-max-norm"),
        Mistake("the factor is upside down: ‖g‖ / max_norm instead of max_norm / ‖g‖",
                lambda g, max_norm: _rescaled(g, max_norm, lambda norm: norm / max_norm), slug="factor-upside-down"),
        Mistake("g is scaled to unit length (g / ‖g‖) rather than to the length max_norm",
                lambda g, max_norm: _rescaled(g, max_norm, lambda norm: 1.0 / norm), slug="unit-length"),
        Mistake("the norm is squared: divide by ‖g‖ = √(Σ gᵢ²), not by Σ gᵢ²",
                lambda g, max_norm: _rescaled(g, max_norm, lambda norm: max_norm / norm**2), slug="squared-norm"),
        Mistake("each row is clipped on its own; the norm is that of the whole gradient, "
                "√(Σ gᵢⱼ²) over all entries", _per_row, slug="per-row"),
    ),
)


def _scaled_to(rng: np.random.Generator, shape: tuple[int, ...], dtype: Any, norm: float) -> np.ndarray:
    g = draw(rng, shape, np.float64)
    return np.round(g * norm / np.linalg.norm(g), 3).astype(dtype)


def _clip_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for dtype in DTYPES:
        name = dtype_name(dtype)
        max_norm = pick(rng, 0.5, 3.0, 2)
        cases.append(Case(f"for a gradient longer than max_norm in {name}",
                          (_scaled_to(rng, (5,), dtype, max_norm * pick(rng, 1.5, 4.0)), max_norm), dtype=dtype))
        cases.append(Case(f"for a gradient shorter than max_norm in {name}",
                          (_scaled_to(rng, (5,), dtype, max_norm * pick(rng, 0.2, 0.7)), max_norm), dtype=dtype))
    max_norm = pick(rng, 0.5, 3.0, 2)
    cases.append(Case("for a matrix gradient (the gradient of a weight matrix) longer than max_norm",
                      (_scaled_to(rng, (3, 4), np.float64, max_norm * pick(rng, 1.5, 3.0)), max_norm)))
    cases.append(Case("for a zero gradient (‖g‖ = 0)", (np.zeros(4), pick(rng, 0.5, 3.0, 2))))
    return cases


def check_clip_by_norm(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``clip_by_norm(g, max_norm)``: g · min(1, max_norm / ‖g‖).

    A gradient no longer than max_norm (a zero gradient included) must come back
    unchanged, as g itself or as a copy in g's dtype; a longer one as a new array of
    the norm max_norm, with g's direction and dtype. g itself is never modified (also
    not when nothing is clipped). The norm is over all entries, also for a matrix.

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
    verify(CLIP, fn, _clip_cases(seed), reveal)


# --- step_increases_cost ------------------------------------------------------------


def _terms(g: np.ndarray, H: np.ndarray) -> tuple[float, float]:
    """gᵀg and gᵀHg."""
    g64, H64 = g.astype(np.float64), H.astype(np.float64)
    return float(g64 @ g64), float(g64 @ H64 @ g64)


def _increases(g: np.ndarray, H: np.ndarray, eps: float, half: float = 0.5, power: int = 2) -> bool:
    gg, gHg = _terms(g, H)
    return half * eps**power * gHg > eps * gg


STEP_TEST = Exercise(
    name="step_increases_cost",
    params=("g", "H", "eps"),
    outputs=("increases",),
    reference=challenges.step_increases_cost,
    formula="increases = ½ ε² gᵀHg > ε gᵀg",
    shaped_like=("eps",),  # a bool: no array parameter to match
    mistakes=(
        Mistake("the ½ of the second-order term is missing, which puts the boundary at the best step "
                "ε* = gᵀg / gᵀHg; the cost increases only beyond 2ε*, when ½ ε² gᵀHg > ε gᵀg",
                lambda g, H, eps: _increases(g, H, eps, half=1.0), slug="no-half"),
        Mistake("ε appears instead of ε² in the second-order term: the test is ½ ε² gᵀHg > ε gᵀg",
                lambda g, H, eps: _increases(g, H, eps, power=1), slug="eps-not-squared"),
        Mistake("the inequality is reversed: the step increases the cost when the second-order term "
                "wins, ½ ε² gᵀHg > ε gᵀg",
                lambda g, H, eps: 0.5 * eps**2 * _terms(g, H)[1] < eps * _terms(g, H)[0], slug="reversed"),
        Mistake("the first-order term uses ‖g‖ instead of gᵀg = ‖g‖²",
                lambda g, H, eps: 0.5 * eps**2 * _terms(g, H)[1] > eps * np.sqrt(_terms(g, H)[0]),
                slug="norm-not-squared"),
    ),
)


def _sweep_case(label: str, g: np.ndarray, H: np.ndarray, factors: tuple[float, ...], dtype: Any) -> Case:
    """Calls for several ε around the boundary 2gᵀg / gᵀHg (or around 1 if gᵀHg ≤ 0)."""
    gg, gHg = _terms(g, H)
    boundary = 2 * gg / gHg if gHg > 0 else 1.0
    rates = [float(f"{boundary * f:.3g}") for f in factors]
    return Case(label, (g, H, rates[0]), dtype=dtype, steps=len(rates),
                advance=lambda k, args, out: (args[0], args[1], rates[k]))


def _spd(rng: np.random.Generator, n: int, dtype: Any) -> np.ndarray:
    M = rng.normal(size=(n, n))
    return np.round(M @ M.T / n + 0.2 * np.eye(n), 2).astype(dtype)


def _step_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    # Below ε*, between ε* and 2ε*, and beyond 2ε*, with room around each boundary; the
    # small ε tell ε from ε² apart, and 0.3 and 0.6 put the ‖g‖ mistake's boundary in between.
    factors = (0.02, 0.3, 0.6, 0.9, 1.15, 1.8, 4.0)
    cases = []
    for dtype in DTYPES:
        name = dtype_name(dtype)
        g = draw(rng, (3,), dtype, 0.5, 2.0)
        cases.append(_sweep_case(f"for a sweep of ε on a positive-definite H in {name}", g, _spd(rng, 3, dtype),
                                 factors, dtype))
    small = draw(rng, (3,), np.float64, 0.05, 0.2)
    cases.append(_sweep_case("for a sweep of ε with a short gradient (‖g‖ < 1)", small, _spd(rng, 3, np.float64),
                             factors, np.float64))
    indefinite = np.array([[0.0, -2.0], [-2.0, 0.0]])  # the saddle's Hessian
    cases.append(_sweep_case("for a sweep of ε on the saddle's Hessian [[0, −2], [−2, 0]], along a direction "
                             "of negative curvature", np.array([0.7, 0.7]) * pick(rng, 0.5, 2.0, 2),
                             indefinite, (0.01, 0.1, 1.0, 10.0), np.float64))
    return cases


def check_step_increases_cost(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``step_increases_cost(g, H, eps) -> bool``: ½ ε² gᵀHg > ε gᵀg.

    Parameters, errors: as :func:`check_clip_by_norm`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    verify_typed(STEP_TEST, fn, ("bool",), _step_cases(seed), reveal)


# --- largest_stable_lr --------------------------------------------------------------


def _eigenvalues(H: np.ndarray) -> np.ndarray:
    return np.linalg.eigvalsh(H.astype(np.float64))


STABLE_LR = Exercise(
    name="largest_stable_lr",
    params=("H",),
    outputs=("lr",),
    reference=challenges.largest_stable_lr,
    formula="every eigen-coordinate shrinks iff |1 − ελᵢ| < 1 for all i",
    scalar=True,
    mistakes=(
        Mistake("1/λ_max is where the steepest coordinate starts to flip sign (1 − ελ_max < 0); it still "
                "shrinks while |1 − ελ_max| < 1", lambda H: 1.0 / _eigenvalues(H)[-1], slug="one-over-lambda-max"),
        Mistake("2/λ_min keeps only the flattest coordinate stable; every coordinate must shrink, and the "
                "steepest one (λ_max) is the first to grow", lambda H: 2.0 / _eigenvalues(H)[0], slug="lambda-min"),
        Mistake("the diagonal entries of H are its eigenvalues only when H is diagonal; the factors "
                "1 − ελᵢ act along the eigenvectors of H (np.linalg.eigvalsh)",
                lambda H: 2.0 / float(np.max(np.diag(H.astype(np.float64)))), slug="diagonal"),
        Mistake("np.linalg.norm(H) is the Frobenius norm √(Σ Hᵢⱼ²), larger than λ_max; use the "
                "eigenvalues of H (or its spectral norm, np.linalg.norm(H, 2))",
                lambda H: 2.0 / float(np.linalg.norm(H.astype(np.float64))), slug="frobenius-norm"),
        Mistake("the trace is the sum of all eigenvalues; each coordinate's factor 1 − ελᵢ involves its "
                "own eigenvalue, and the largest one limits ε", lambda H: 2.0 / float(np.trace(H.astype(np.float64))),
                slug="trace"),
        Mistake("the ratio is upside down: the steeper the quadratic, the smaller the stable ε",
                lambda H: _eigenvalues(H)[-1] / 2.0, slug="upside-down"),
    ),
)


def _coupled(rng: np.random.Generator, n: int, dtype: Any) -> np.ndarray:
    """A symmetric positive-definite matrix with eigenvalues in [0.2, 6], rotated so that
    its diagonal is not its spectrum, with 3 decimals."""
    while True:
        Q, _ = np.linalg.qr(rng.normal(size=(n, n)))
        lam = np.sort(rng.uniform(0.2, 6.0, n))
        H = np.round(Q @ np.diag(lam) @ Q.T, 3)
        H = (H + H.T) / 2
        found = np.linalg.eigvalsh(H)
        if found[0] > 0.1 and found[-1] > 1.2 * np.max(np.diag(H)) and found[-1] > 1.5 * found[0]:
            return H.astype(dtype)


def _stable_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for dtype in DTYPES:
        name = dtype_name(dtype)
        cases.append(Case(f"for a 2 × 2 H with off-diagonal entries in {name}", (_coupled(rng, 2, dtype),),
                          dtype=dtype))
        cases.append(Case(f"for a 4 × 4 H with off-diagonal entries in {name}", (_coupled(rng, 4, dtype),),
                          dtype=dtype))
    b = pick(rng, 0.02, 0.5, 3)
    cases.append(Case("for the diagonal H = diag(1, b) of the explorer", (np.diag([1.0, b]),)))
    return cases


def check_largest_stable_lr(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``largest_stable_lr(H) -> float``: 2/λ_max(H) for a symmetric
    positive-definite H, the largest ε for which gradient descent on ½ θᵀHθ converges.

    Parameters, errors: as :func:`check_clip_by_norm`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    verify(STABLE_LR, fn, _stable_cases(seed), reveal)


# --- hessian_eigs -------------------------------------------------------------------


def _signed(U: np.ndarray) -> np.ndarray:
    """U with each column signed so that its first component that is not zero is positive."""
    first = np.where(np.abs(U[0]) > 1e-9, U[0], U[1])
    return U * np.where(first < 0, -1.0, 1.0)


def _canonical_vectors(exercise: Exercise, fn: Callable) -> Callable:
    """``fn`` with the eigenvectors it returns signed by :func:`_signed` (an eigenvector's
    sign is arbitrary); anything but a pair (lam, U) with U of shape (2, 2) passes unchanged."""

    @functools.wraps(fn)
    def canonical(*args: Any, **kwargs: Any) -> Any:
        result = fn(*args, **kwargs)
        if isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], np.ndarray) \
                and result[1].shape == (2, 2) and np.issubdtype(result[1].dtype, np.floating):
            return result[0], _signed(result[1])
        return result

    return canonical


def _hessian(w1: float, w2: float, cross: float | None = None, swapped: bool = False) -> np.ndarray:
    """∇²(1 − w₁w₂)² = [[2w₂², 4w₁w₂ − 2], [4w₁w₂ − 2, 2w₁²]], or a mistaken variant."""
    c = 4 * w1 * w2 - 2 if cross is None else cross
    a, b = (2 * w1**2, 2 * w2**2) if swapped else (2 * w2**2, 2 * w1**2)
    return np.array([[a, c], [c, b]])


def _eigs(H: np.ndarray, descending: bool = False) -> tuple[np.ndarray, np.ndarray]:
    lam, U = np.linalg.eigh(H)
    if descending:
        lam, U = lam[::-1], U[:, ::-1]
    return lam, _signed(U)


def _reference_eigs(w1: float, w2: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`course.challenges.hessian_eigs` in NumPy, signed by :func:`_signed`."""
    lam, U = challenges.hessian_eigs(w1, w2, xp=np)
    return lam, _signed(U)


HESSIAN_EIGS = Exercise(
    name="hessian_eigs",
    params=("w1", "w2"),
    outputs=("lam", "U"),
    reference=_reference_eigs,
    formula="H = [[2w₂², 4w₁w₂ − 2], [4w₁w₂ − 2, 2w₁²]]; lam ascending, U[:, i] the unit eigenvector of lam[i]",
    mistakes=(
        Mistake("the cross term misses the product rule: ∂²L/∂w₁∂w₂ = ∂(−2w₂(1 − w₁w₂))/∂w₂ = "
                "−2(1 − w₁w₂) + 2w₁w₂ = 4w₁w₂ − 2",
                lambda w1, w2: _eigs(_hessian(w1, w2, cross=2 * w1 * w2 - 2)), slug="product-rule"),
        Mistake("the cross term has the wrong sign: it is 4w₁w₂ − 2",
                lambda w1, w2: _eigs(_hessian(w1, w2, cross=2 - 4 * w1 * w2)), slug="cross-sign"),
        Mistake("the diagonal is swapped: ∂²L/∂w₁² = 2w₂² and ∂²L/∂w₂² = 2w₁²",
                lambda w1, w2: _eigs(_hessian(w1, w2, swapped=True)), slug="diagonal-swapped"),
        Mistake("the Hessian is half the right one (that of ½(1 − w₁w₂)²): L = (1 − w₁w₂)² has "
                "∂²L/∂w₁² = 2w₂²", lambda w1, w2: _eigs(_hessian(w1, w2) / 2), slug="half-hessian"),
        Mistake("the eigenvalues are in descending order; return them ascending (as np.linalg.eigh "
                "does), with the eigenvectors in the same order",
                lambda w1, w2: _eigs(_hessian(w1, w2), descending=True), slug="descending"),
    ),
)


def _points(rng: np.random.Generator, count: int) -> list[tuple[float, float]]:
    """Points (w₁, w₂) whose Hessian has well-separated eigenvalues and no eigenvector along an axis."""
    points: list[tuple[float, float]] = []
    while len(points) < count:
        w1, w2 = pick(rng, -1.5, 1.5, 2), pick(rng, -1.5, 1.5, 2)
        lam = np.linalg.eigvalsh(_hessian(w1, w2))
        if lam[1] - lam[0] > 0.5 and abs(4 * w1 * w2 - 2) > 0.2:
            points.append((w1, w2))
    return points


def _hessian_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    points = _points(rng, 8)
    on_diagonal = [(w, w) for w in (0.25, -0.5, 1.2)]
    return [
        Case("at the saddle point (0, 0)", (0.0, 0.0)),
        Case("at points of the plane", points[0], steps=len(points),
             advance=lambda k, args, out: points[k]),
        Case("at points of the diagonal w₁ = w₂", on_diagonal[0], steps=len(on_diagonal),
             advance=lambda k, args, out: on_diagonal[k]),
    ]


def check_hessian_eigs(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``hessian_eigs(w1, w2) -> (lam, U)`` for L = (1 − w₁w₂)².

    lam: the eigenvalues of ∇²L at (w₁, w₂), ascending; U: the unit eigenvectors as
    columns, in the same order. An eigenvector's sign is arbitrary: both signs pass.
    Parameters, errors: as :func:`check_clip_by_norm`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    if not callable(fn):
        raise CheckFailed(f"pass your function hessian_eigs itself, got {type(fn).__name__}")
    verify(HESSIAN_EIGS, _canonical_vectors(HESSIAN_EIGS, fn), _hessian_cases(seed), reveal)


__all__ = ["check_clip_by_norm", "check_hessian_eigs", "check_largest_stable_lr", "check_step_increases_cost"]
