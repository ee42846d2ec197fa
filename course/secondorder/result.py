"""The result type shared by every solver of :mod:`course.secondorder`, and its bookkeeping."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from course import validation as check
from course.backend import to_numpy

Array = Any


@dataclass
class OptimizeResult:
    """What an iterative solver returns, in the style of ``scipy.optimize.OptimizeResult``.

    Every solver fills every field, so plots and widgets treat them alike.

    Attributes
    ----------
    x : array
        The last iterate θ, in the library of x0.
    fun : float
        f(θ) (for linear CG, f(x) = ½ xᵀAx − bᵀx, the quadratic it minimises).
    grad_norm : float
        ‖g‖ = ‖∇f(θ)‖ (for linear CG, the residual norm ‖b − Ax‖).
    nit : int
        Number of iterations (steps) taken.
    nfev, njev : int
        Evaluations of f and of its gradient (for the quadratic solvers, products
        with A count as gradient evaluations and ``nfev`` is 0).
    converged : bool
        Whether the stopping test (‖g‖ ≤ tol) was met.
    message : str
        Why the solver stopped, in words.
    path : numpy.ndarray or None
        The iterates θ₀, θ₁, …, one row per iterate (x0 included), on the host;
        None when the solver was called with ``record_path=False``.
    residual_norms : numpy.ndarray or None
        Linear CG only: ‖r_k‖ for k = 0, …, nit (the initial residual included).
    nhev : int
        Evaluations of the Hessian (Newton's method; 0 for the other solvers).
    """

    x: Array
    fun: float
    grad_norm: float
    nit: int
    nfev: int
    njev: int
    converged: bool
    message: str
    path: np.ndarray | None
    residual_norms: np.ndarray | None = None
    nhev: int = 0


class Path:
    """The iterates of a run, copied to the host one by one (or not at all)."""

    def __init__(self, x0: Array, record: bool) -> None:
        self.rows: list[np.ndarray] | None = [] if record else None
        self.append(x0)

    def append(self, x: Array) -> None:
        if self.rows is not None:
            self.rows.append(np.array(to_numpy(x), dtype=np.float64, copy=True))

    def array(self) -> np.ndarray | None:
        """The rows stacked, shape (number of iterates, n); None if not recorded."""
        return None if self.rows is None else np.stack(self.rows)


def check_x0(x0: Array) -> Any:
    """Check that ``x0`` is a finite, non-empty 1-D float array; return its namespace."""
    xp = check.float_arrays(x0=x0)
    if x0.ndim != 1 or x0.shape[0] < 1:
        raise ValueError(f"x0 must be a non-empty 1-D array, got shape {tuple(x0.shape)}")
    return xp


def check_tolerances(tol: float, maxiter: int) -> tuple[float, int]:
    """``tol`` ≥ 0 and ``maxiter`` ≥ 0, checked."""
    return check.non_negative("tol", tol), check.integer("maxiter", maxiter, 0)


def default_maxiter(x0: Array, maxiter: int | None) -> int:
    """``maxiter``, or 200 n iterations (as scipy.optimize) when it is None."""
    return 200 * x0.shape[0] if maxiter is None else maxiter


def gradient_test(grad_norm: float, tol: float, nit: int, maxiter: int) -> tuple[bool, str] | None:
    """Whether a gradient-based solver stops at iteration ``nit``: (converged, message)
    when ‖g‖ ≤ tol or ``maxiter`` iterations are done, else None."""
    if grad_norm <= tol:
        return True, f"‖g‖ = {grad_norm:.3g} ≤ tol after {nit} iterations"
    if nit == maxiter:
        return False, f"maxiter = {maxiter} iterations without ‖g‖ ≤ tol"
    return None
