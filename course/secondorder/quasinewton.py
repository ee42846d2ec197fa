"""Quasi-Newton methods: BFGS with its inverse-Hessian update, and L-BFGS (two-loop recursion).

Both take the step θ_{k+1} = θ_k + α_k d_k with d_k = −M_k g_k, where M_k
approximates the inverse Hessian (the book's M; Nocedal & Wright call it H_k, the letter
that here means the Hessian itself), and α_k from the Moré–Thuente line search
:func:`course.linesearch.more_thuente` (c₁ = 10⁻⁴, c₂ = 0.9), which evaluates f
and ∇f together at each trial step and interpolates with both, as scipy.optimize's
BFGS and L-BFGS-B do. The first trial step differs:

* L-BFGS scales M₀ = γI with γ = yᵀs / yᵀy (N&W eq. 6.20), so the quasi-Newton step
  has about the right length and the first trial is α = 1 (min(1, 1/‖g₀‖) for the
  first step, steepest descent, which has no curvature information yet);
* BFGS keeps M₀ = I, whose scale is wrong until the updates have corrected it, so
  the first trial is scipy's α₀ = min(1, 1.01 · 2 (f_{k−1} − f_k) / (−g_kᵀd_k)), the
  step to the minimiser of the parabola that drops f by what the last step did
  (N&W eq. 3.60), at most the quasi-Newton step.

On Rosenbrock (bench/secondorder_bench.py, n = 2, 10, 100) BFGS with γI and α = 1
took 46, 96 and 664 evaluations of f and ∇f, with I and scipy's α₀ 40, 84 and 654
(scipy's BFGS: 40, 84 and 652).
"""

from __future__ import annotations

import collections
import math
from typing import Any, Callable

import array_api_compat

from course import validation as check
from course.linesearch import more_thuente
from course.secondorder._descent import minimize
from course.secondorder.result import OptimizeResult, check_x0, default_maxiter

Array = Any

#: c₂ of the strong-Wolfe line search for (quasi-)Newton directions (N&W p. 142).
QUASI_NEWTON_C2 = 0.9


def _first_alpha(slope: float) -> float:
    """min(1, 1/‖g‖) for d = −g (φ'(0) = −‖g‖²): a first step of length at most 1."""
    return min(1.0, 1.0 / math.sqrt(-slope))


def _parabola_alpha(slope: float, decrease: float | None) -> float:
    """scipy's first trial step for BFGS: α₀ = min(1, 1.01 · 2 Δf / (−φ'(0))), Δf = f_{k−1} − f_k.

    At k = 0 (``decrease`` None, d = −g) Δf is taken as ‖g₀‖/2, so the first step has
    length 1.01. α₀ = 1 where the last step did not lower f (by rounding).
    """
    if decrease is None:
        decrease = 0.5 * math.sqrt(-slope)
    alpha = 1.01 * 2.0 * decrease / -slope
    return min(1.0, alpha) if alpha > 0 else 1.0


def _gamma(xp: Any, s: Array, y: Array) -> float:
    """γ = sᵀy / yᵀy, the scale of the inverse Hessian along y (N&W eq. 6.20)."""
    return float(xp.vecdot(s, y)) / float(xp.vecdot(y, y))


def bfgs_inverse_update(M: Array, s: Array, y: Array) -> Array:
    """The BFGS update of the inverse Hessian approximation M ≈ H⁻¹.

    M_{k+1} = (I − ρ s yᵀ) M_k (I − ρ y sᵀ) + ρ s sᵀ,  ρ = 1 / (yᵀs),

    computed in O(n²) for symmetric M_k as
    M_{k+1} = M_k − ρ (s (M_k y)ᵀ + (M_k y) sᵀ) + (ρ² yᵀM_k y + ρ) s sᵀ.
    It satisfies the secant condition M_{k+1} y = s. When yᵀs ≤ 0 (the curvature
    condition fails) M_k is returned unchanged: the update would not keep M
    positive definite.

    Parameters
    ----------
    M : array, shape (n, n)
        Symmetric M_k.
    s : array, shape (n,)
        The step s_k = θ_{k+1} − θ_k.
    y : array, shape (n,)
        The change of gradient y_k = g_{k+1} − g_k.

    Returns
    -------
    array, shape (n, n)
        M_{k+1} (a new array; M is not modified).
    """
    xp = check.float_arrays(s=s, y=y)
    check.float_arrays(M=M)
    if s.ndim != 1 or tuple(M.shape) != (s.shape[0], s.shape[0]):
        raise ValueError(f"M must have shape (n, n) and s, y shape (n,); got M {tuple(M.shape)}, "
                         f"s {tuple(s.shape)}")
    ys = float(xp.vecdot(y, s))
    if ys <= 0:
        return M
    rho = 1.0 / ys
    My = M @ y
    cross = s[:, None] * My[None, :]
    return M - rho * (cross + cross.T) + (rho * rho * float(xp.vecdot(y, My)) + rho) * (s[:, None] * s[None, :])


class _BFGS:
    """d = −M g with the full inverse-Hessian approximation M (n × n), M₀ = I."""

    c2 = QUASI_NEWTON_C2
    line_search = staticmethod(more_thuente)

    def __init__(self, x0: Array, xp: Any) -> None:
        self.identity = xp.eye(x0.shape[0], dtype=x0.dtype, device=array_api_compat.device(x0))
        self.reset()

    def reset(self) -> None:
        self.M = self.identity

    def direction(self, g: Array) -> Array:
        return -(self.M @ g)

    def alpha0(self, slope: float, decrease: float | None) -> float:
        return _parabola_alpha(slope, decrease)

    def update(self, s: Array, y: Array) -> None:
        self.M = bfgs_inverse_update(self.M, s, y)


class _LBFGS:
    """d = −M g by the two-loop recursion over the last m pairs (s, y), M₀ = γI."""

    c2 = QUASI_NEWTON_C2
    line_search = staticmethod(more_thuente)

    def __init__(self, m: int, xp: Any) -> None:
        self.xp = xp
        self.pairs: collections.deque[tuple[Array, Array, float]] = collections.deque(maxlen=m)

    def reset(self) -> None:
        self.pairs.clear()

    def direction(self, g: Array) -> Array:
        """N&W Algorithm 7.4: q ← g; newest to oldest aᵢ = ρᵢ sᵢᵀq, q ← q − aᵢ yᵢ;
        r ← γ q; oldest to newest bᵢ = ρᵢ yᵢᵀr, r ← r + (aᵢ − bᵢ) sᵢ; d = −r."""
        if not self.pairs:
            return -g
        xp, q, a = self.xp, g, []
        for s, y, rho in reversed(self.pairs):
            a.append(rho * float(xp.vecdot(s, q)))
            q = q - a[-1] * y
        s, y, _ = self.pairs[-1]
        r = _gamma(xp, s, y) * q
        for (s, y, rho), ai in zip(self.pairs, reversed(a)):
            r = r + (ai - rho * float(xp.vecdot(y, r))) * s
        return -r

    def alpha0(self, slope: float, decrease: float | None) -> float:
        return 1.0 if self.pairs else _first_alpha(slope)

    def update(self, s: Array, y: Array) -> None:
        ys = float(self.xp.vecdot(y, s))
        if ys > 0:  # otherwise skip the pair: it would break positive definiteness
            self.pairs.append((s, y, 1.0 / ys))


def bfgs(
    f: Callable[[Array], Any],
    grad: Callable[[Array], Array],
    x0: Array,
    tol: float = 1e-6,
    maxiter: int | None = None,
    record_path: bool = True,
) -> OptimizeResult:
    """Minimise f by BFGS: θ_{k+1} = θ_k − α_k M_k g_k, M_k updated by :func:`bfgs_inverse_update`.

    M₀ = I (the first step is steepest descent). α_k comes from
    :func:`course.linesearch.more_thuente` with c₂ = 0.9 and first trial
    α₀ = min(1, 1.01 · 2 (f_{k−1} − f_k) / (−g_kᵀd_k)) (1.01/‖g₀‖ at k = 0), as in
    scipy.optimize's BFGS.

    Parameters
    ----------
    f, grad : callable
        θ ↦ f(θ) (a number or 0-d array) and θ ↦ ∇f(θ). ``grad`` is called right
        after ``f`` at the same point, so the pair may share work.
    x0 : array, shape (n,)
        Starting point (not modified).
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
        If x0 is not a 1-D float array, or f or its gradient is not finite.
    """
    xp = check_x0(x0)
    rule = _BFGS(x0, xp)
    return minimize(f, grad, x0, rule, tol, default_maxiter(x0, maxiter), record_path)


def lbfgs(
    f: Callable[[Array], Any],
    grad: Callable[[Array], Array],
    x0: Array,
    m: int = 10,
    tol: float = 1e-6,
    maxiter: int | None = None,
    record_path: bool = True,
) -> OptimizeResult:
    """Minimise f by limited-memory BFGS with the two-loop recursion (N&W Alg. 7.4/7.5).

    d_k = −M_k g_k, where M_k is the BFGS matrix built from M₀ = γ_k I,
    γ_k = s_{k−1}ᵀy_{k−1} / y_{k−1}ᵀy_{k−1}, and the last ``m`` pairs (s, y),
    applied to g in O(mn) without forming M_k. Pairs with yᵀs ≤ 0 are skipped.
    α_k comes from :func:`course.linesearch.more_thuente` with c₂ = 0.9 and first
    trial α = 1 (min(1, 1/‖g₀‖) for the first step, d₀ = −g₀), as in
    scipy.optimize's L-BFGS-B.

    Parameters
    ----------
    f, grad, x0, tol, maxiter, record_path
        As in :func:`bfgs`.
    m : int
        Number of pairs kept, ≥ 1.

    Returns
    -------
    OptimizeResult
    """
    xp = check_x0(x0)
    rule = _LBFGS(check.integer("m", m, 1), xp)
    return minimize(f, grad, x0, rule, tol, default_maxiter(x0, maxiter), record_path)
