"""Conjugate gradients: linear CG for Ax = b, and nonlinear CG for a general f."""

from __future__ import annotations

import math
from typing import Any, Callable

import array_api_compat
import numpy as np

from course import validation as check
from course.linesearch import strong_wolfe
from course.secondorder._descent import minimize
from course.secondorder.result import OptimizeResult, Path, check_tolerances, check_x0, default_maxiter

Array = Any
Operator = Callable[[Array], Array]

#: Relative tolerance of the symmetry check of an array A (as in course.problems.Quadratic).
SYMMETRY_RTOL = 1e-10
#: c₂ of the strong-Wolfe line search of nonlinear CG. Fletcher–Reeves needs
#: c₂ < ½ to guarantee descent directions (N&W Lemma 5.6), and a more accurate
#: line search keeps the directions closer to conjugate (N&W use 0.1). On Rosenbrock
#: (n = 2, 10, 100, bench/secondorder_bench.py) 0.2 took the fewest evaluations
#: among 0.05, 0.1, 0.2 and 0.4.
CG_C2 = 0.2


def _symmetric_matrix(xp: Any, A: Array, n: int) -> Operator:
    """Check that A is a finite, symmetric (n, n) float array; return v ↦ Av."""
    check.float_arrays(A=A)
    if array_api_compat.array_namespace(A) is not xp:
        raise TypeError("A must be an array of the same library as b")
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"A must be a square matrix, got shape {tuple(A.shape)}")
    if tuple(A.shape) != (n, n):
        raise ValueError(f"A has shape {tuple(A.shape)}, but b has length {n}")
    scale = max(1.0, float(xp.max(xp.abs(A))))
    if float(xp.max(xp.abs(A - A.T))) > SYMMETRY_RTOL * scale:
        raise ValueError("A must be symmetric (A == A.T)")
    return lambda v: A @ v


def _checked_operator(A: Operator, n: int) -> Operator:
    """v ↦ A(v), checked to return an array of shape (n,)."""

    def matvec(v: Array) -> Array:
        Av = A(v)
        if tuple(Av.shape) != (n,):
            raise ValueError(f"A(v) must return an array of shape ({n},), got {tuple(Av.shape)}")
        return Av

    return matvec


def _operator(A: Array | Operator, b: Array) -> tuple[Any, Operator]:
    """The namespace of b and v ↦ Av, after checking A and b."""
    xp = check.float_arrays(b=b)
    if b.ndim != 1 or b.shape[0] < 1:
        raise ValueError(f"b must be a non-empty 1-D array, got shape {tuple(b.shape)}")
    if array_api_compat.is_array_api_obj(A):
        return xp, _symmetric_matrix(xp, A, b.shape[0])
    if callable(A):
        return xp, _checked_operator(A, b.shape[0])
    raise TypeError(f"A must be an array or a callable v ↦ Av, got {type(A).__name__}")


def conjugate_gradient(
    A: Array | Operator,
    b: Array,
    x0: Array | None = None,
    tol: float = 1e-10,
    maxiter: int | None = None,
    record_path: bool = True,
) -> OptimizeResult:
    """Solve Ax = b, A symmetric positive definite, by linear conjugate gradients.

    Minimises f(x) = ½ xᵀAx − bᵀx along conjugate directions (d_kᵀ A d_j = 0):
    with r₀ = b − Ax₀ and d₀ = r₀,

    α_k = r_kᵀr_k / d_kᵀAd_k,  x_{k+1} = x_k + α_k d_k,  r_{k+1} = r_k − α_k A d_k,
    β_k = r_{k+1}ᵀr_{k+1} / r_kᵀr_k,  d_{k+1} = r_{k+1} + β_k d_k.

    In exact arithmetic it stops within n iterations (within k when A has k
    distinct eigenvalues). One product with A per iteration.

    Parameters
    ----------
    A : array of shape (n, n), or callable
        Symmetric positive definite matrix, or the operator v ↦ Av (whose symmetry
        cannot be checked).
    b : array, shape (n,)
        Right-hand side.
    x0 : array, shape (n,), optional
        Starting point (zeros by default; not modified).
    tol : float
        Stop when ‖r_k‖ ≤ tol · ‖b‖.
    maxiter : int, optional
        The most iterations; default 10 n, for arrays and operators alike (as
        scipy.sparse.linalg.cg): rounding errors make CG need more than n
        iterations on ill-conditioned systems.
    record_path : bool
        Keep every iterate in ``path`` (turn off for large n).

    Returns
    -------
    OptimizeResult
        ``residual_norms`` = ‖r₀‖, …, ‖r_nit‖ (the residuals of the recurrence,
        equal to ‖b − Ax_k‖ up to rounding), ``grad_norm`` = ‖r_nit‖, ``fun`` =
        ½ xᵀAx − bᵀx, ``njev`` = products with A, ``nfev`` = 0.

    Raises
    ------
    ValueError
        If A is not square or not symmetric, the shapes do not match, or dᵀAd ≤ 0
        during the iteration (A is not positive definite).
    """
    xp, matvec = _operator(A, b)
    n = b.shape[0]
    tol, maxiter = check_tolerances(tol, 10 * n if maxiter is None else maxiter)
    if x0 is None:
        x, r, nprod = xp.zeros_like(b), xp.asarray(b, copy=True), 0
    else:
        check.float_arrays(b=b, x0=x0)
        x = xp.asarray(x0, copy=True)
        r, nprod = b - matvec(x), 1
    d, rr = xp.asarray(r, copy=True), float(xp.vecdot(r, r))
    stop = tol * float(xp.linalg.vector_norm(b))
    norms, path = [math.sqrt(rr)], Path(x, record_path)
    for nit in range(maxiter + 1):
        if norms[-1] <= stop:
            converged, message = True, f"‖r‖ = {norms[-1]:.3g} ≤ tol·‖b‖ after {nit} iterations"
            break
        if nit == maxiter:
            converged, message = False, f"maxiter = {maxiter} iterations without ‖r‖ ≤ tol·‖b‖"
            break
        Ad = matvec(d)
        nprod += 1
        dAd = float(xp.vecdot(d, Ad))
        if not dAd > 0:
            raise ValueError(f"A is not positive definite: dᵀAd = {dAd:.6g} ≤ 0 at iteration {nit}")
        alpha = rr / dAd
        x += alpha * d
        r -= alpha * Ad
        rr, rr_old = float(xp.vecdot(r, r)), rr
        d *= rr / rr_old
        d += r
        norms.append(math.sqrt(rr))
        path.append(x)
    fun = -0.5 * float(xp.vecdot(x, r + b))  # ½ xᵀAx − bᵀx with Ax = b − r
    return OptimizeResult(x, fun, norms[-1], nit, 0, nprod, converged, message, path.array(),
                          residual_norms=np.asarray(norms))



def _beta_fr(xp: Any, g: Array, g_prev: Array) -> float:
    """Fletcher–Reeves: β = g_tᵀg_t / g_{t−1}ᵀg_{t−1}."""
    return float(xp.vecdot(g, g)) / float(xp.vecdot(g_prev, g_prev))


def _beta_pr(xp: Any, g: Array, g_prev: Array) -> float:
    """Polak–Ribière: β = (g_t − g_{t−1})ᵀg_t / g_{t−1}ᵀg_{t−1}."""
    return float(xp.vecdot(g - g_prev, g)) / float(xp.vecdot(g_prev, g_prev))


def _beta_pr_plus(xp: Any, g: Array, g_prev: Array) -> float:
    """PR+: β = max(β_PR, 0), a restart whenever Polak–Ribière's β is negative."""
    return max(_beta_pr(xp, g, g_prev), 0.0)


BETAS = {"PR": _beta_pr, "PR+": _beta_pr_plus, "FR": _beta_fr}


class _NonlinearCG:
    """d_t = −g_t + β_t d_{t−1}, with β_t = 0 at a restart."""

    c2 = CG_C2
    line_search = staticmethod(strong_wolfe)

    def __init__(self, beta: Callable[[Any, Array, Array], float], restart: int | None, xp: Any) -> None:
        self.beta, self.restart, self.xp = beta, restart, xp
        self.reset()

    def reset(self) -> None:
        self.g: Array | None = None
        self.d: Array | None = None
        self.since_restart = 0

    def direction(self, g: Array) -> Array:
        if self.d is None or self.since_restart == self.restart:
            d, self.since_restart = -g, 0
        else:
            d = -g + self.beta(self.xp, g, self.g) * self.d
        self.g, self.d, self.since_restart = g, d, self.since_restart + 1
        return d

    def alpha0(self, slope: float, decrease: float | None) -> float:
        """min(1, 1/‖g₀‖) for the first step; then N&W eq. (3.60): the minimiser of the
        parabola through f_k and φ'(0) that drops f by as much as the last step did,
        α₀ = 2 (f_{k−1} − f_k) / (−φ'(0)), times 1.01."""
        if decrease is None:
            return min(1.0, 1.0 / math.sqrt(-slope))
        return 1.01 * 2.0 * decrease / -slope

    def update(self, s: Array, y: Array) -> None:
        """Nothing to learn: β uses the gradients seen by :meth:`direction`."""


def nonlinear_cg(
    f: Callable[[Array], Any],
    grad: Callable[[Array], Array],
    x0: Array,
    beta: str = "PR",
    restart: int | None = None,
    tol: float = 1e-6,
    maxiter: int | None = None,
    record_path: bool = True,
) -> OptimizeResult:
    """Minimise f by nonlinear conjugate gradients: d_t = −g_t + β_t d_{t−1}, θ ← θ + α_t d_t.

    β_t is one of

    * ``"PR"`` Polak–Ribière: β_t = (g_t − g_{t−1})ᵀg_t / g_{t−1}ᵀg_{t−1},
    * ``"PR+"``: max(β_PR, 0),
    * ``"FR"`` Fletcher–Reeves: β_t = g_tᵀg_t / g_{t−1}ᵀg_{t−1}.

    β_t = 0 (a restart with steepest descent) every ``restart`` steps, and whenever
    d_t is not a descent direction (g_tᵀd_t ≥ 0). α_t comes from
    :func:`course.linesearch.strong_wolfe` with c₂ = 0.2 (see ``CG_C2``); the first
    trial step is min(1, 1/‖g₀‖) at t = 0 and 2.02 (f_{t−1} − f_t) / (−g_tᵀd_t) after.

    Parameters
    ----------
    f, grad : callable
        θ ↦ f(θ) (a number or 0-d array) and θ ↦ ∇f(θ). ``grad`` is called right
        after ``f`` at the same point, so the pair may share work.
    x0 : array, shape (n,)
        Starting point (not modified).
    beta : {"PR", "PR+", "FR"}
        The formula for β.
    restart : int, optional
        Restart every ``restart`` ≥ 1 steps (never on a schedule if None).
    tol : float
        Stop when ‖g‖ ≤ tol (Euclidean norm).
    maxiter : int, optional
        The most iterations (default 200 n).
    record_path : bool
        Keep every iterate in ``path`` (turn off for large n).

    Returns
    -------
    OptimizeResult

    Raises
    ------
    ValueError
        If ``beta`` is unknown, x0 is not a 1-D float array, or f or its gradient is
        not finite.
    """
    if beta not in BETAS:
        raise ValueError(f"beta must be one of {', '.join(map(repr, BETAS))}, got {beta!r}")
    if restart is not None:
        restart = check.integer("restart", restart, 1)
    xp = check_x0(x0)
    rule = _NonlinearCG(BETAS[beta], restart, xp)
    return minimize(f, grad, x0, rule, tol, default_maxiter(x0, maxiter), record_path)
