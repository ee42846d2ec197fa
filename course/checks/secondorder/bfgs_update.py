"""Checks of the BFGS update of the inverse-Hessian approximation (lecture 06):
``bfgs_inverse_update``, and the updates of the common mistakes, which the check of the
``bfgs`` solver (:mod:`course.checks.secondorder.line_search_solvers`) follows too.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from course import secondorder
from course.checks.common import Case, Exercise, Mistake, pick, verify
from course.checks.secondorder.shared import spd

# --- bfgs_inverse_update -------------------------------------------------------------


def inverse_update(M: np.ndarray, s: np.ndarray, y: np.ndarray, rho: float) -> np.ndarray:
    """(I − ρ s yᵀ) M (I − ρ y sᵀ) + ρ s sᵀ, written out."""
    V = np.eye(len(s)) - rho * np.outer(y, s)
    return V.T @ M @ V + rho * np.outer(s, s)


def skipping(update: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]) -> Callable:
    """``update``, but M unchanged when yᵀs ≤ 0."""
    return lambda M, s, y: M.copy() if y @ s <= 0 else update(M, s, y)


def b_update(M: np.ndarray, s: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The update of B (the Hessian approximation), applied to M."""
    Ms = M @ s
    return M + np.outer(y, y) / (y @ s) - np.outer(Ms, Ms) / (s @ Ms)


_BFGS_FORMULA = "ρ = 1/(yᵀs);  M ← (I − ρ s yᵀ) M (I − ρ y sᵀ) + ρ s sᵀ, and M unchanged if yᵀs ≤ 0"
_B_UPDATE = ("the update of B (the Hessian approximation), B + yyᵀ/yᵀs − BssᵀB/sᵀBs, is applied to its "
             "inverse M; M needs the inverse form (I − ρ s yᵀ) M (I − ρ y sᵀ) + ρ s sᵀ")
_NO_CURVATURE = ("no curvature check: when yᵀs ≤ 0 the update must be skipped (return M unchanged), "
                 "or M stops being positive definite")

BFGS_UPDATE = Exercise(
    name="bfgs_inverse_update",
    params=("M", "s", "y"),
    outputs=("M",),
    reference=secondorder.bfgs_inverse_update,
    formula=_BFGS_FORMULA,
    mistakes=(
        Mistake(_B_UPDATE, skipping(b_update), slug="b-update"),
        Mistake(_NO_CURVATURE, lambda M, s, y: inverse_update(M, s, y, 1 / (y @ s)), slug="no-curvature-check"),
        Mistake("ρ = 1/(sᵀs); it is ρ = 1/(yᵀs)", skipping(lambda M, s, y: inverse_update(M, s, y, 1 / (s @ s))),
                slug="rho-s-s"),
        Mistake("ρ = 1/(yᵀy); it is ρ = 1/(yᵀs)", skipping(lambda M, s, y: inverse_update(M, s, y, 1 / (y @ y))),
                slug="rho-y-y"),
        Mistake("the outer products are transposed: (I − ρ y sᵀ) M (I − ρ s yᵀ); it is "
                "(I − ρ s yᵀ) M (I − ρ y sᵀ), so that M_new y = s",
                skipping(lambda M, s, y: inverse_update(M, y, s, 1 / (y @ s)) - np.outer(y, y) / (y @ s)
                         + np.outer(s, s) / (y @ s)), slug="transposed"),
        Mistake("the term + ρ s sᵀ is missing",
                skipping(lambda M, s, y: inverse_update(M, s, y, 1 / (y @ s)) - np.outer(s, s) / (y @ s)),
                slug="missing-ss"),
        Mistake("M is not updated: it returns M unchanged, also when yᵀs > 0", lambda M, s, y: M.copy(),
                slug="not-updated"),
    ),
)


def _pair(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """A step s and change of gradient y = A s of a random quadratic (so yᵀs > 0)."""
    s = np.round(rng.uniform(-1, 1, n), 3)
    return s, np.round(spd(rng, n, 0.5, 5.0) @ s, 3)


def _bfgs_update_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 6))
    cases = [Case("for one update of M = I", (np.eye(n), *_pair(rng, n)))]
    M = spd(rng, n, 0.5, 3.0)
    cases.append(Case(f"for one update of a symmetric positive definite M ({n} × {n})", (M, *_pair(rng, n))))
    s, y = _pair(rng, n)
    cases.append(Case("when yᵀs < 0 (the curvature condition fails)", (spd(rng, n, 0.5, 3.0), s, -y)))
    s = np.zeros(n)
    s[0] = pick(rng, 0.5, 1.5)
    y = np.zeros(n)
    y[1] = pick(rng, 0.5, 1.5)
    cases.append(Case("when yᵀs = 0 exactly", (spd(rng, n, 0.5, 3.0), s, y)))
    A = spd(rng, 3, 0.5, 5.0)
    steps = [np.round(rng.uniform(-1, 1, 3), 3) for _ in range(5)]
    cases.append(Case("for a run of updates from M = I with pairs (s, As) of a quadratic",
                      (np.eye(3), steps[0], A @ steps[0]), steps=5,
                      advance=lambda k, args, out: (out[0], steps[k], A @ steps[k])))
    return cases


def check_bfgs_inverse_update(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``bfgs_inverse_update(M, s, y)`` (float64), the BFGS update of
    the inverse-Hessian approximation M: M ← (I − ρ s yᵀ) M (I − ρ y sᵀ) + ρ s sᵀ with
    ρ = 1/(yᵀs), M unchanged when yᵀs ≤ 0.
    Parameters, errors: as :func:`check_exact_step`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    verify(BFGS_UPDATE, fn, _bfgs_update_cases(seed), reveal)


__all__ = ["b_update", "check_bfgs_inverse_update", "inverse_update", "skipping"]
