"""Line searches of lecture 06: how far to go along a direction d from θ.

Along d the objective is the function of one variable φ(α) = f(θ + αd), with
slope φ'(α) = ∇f(θ + αd)ᵀd. A step is only taken along a descent direction,
φ'(0) = gᵀd < 0.

* :func:`exact_quadratic_step` minimises φ exactly on a quadratic ½ θᵀAθ − bᵀθ:
  α* = −gᵀd / dᵀAd.
* :func:`backtracking` shrinks α until the sufficient-decrease (Armijo) condition
  f(θ + αd) ≤ f(θ) + c₁ α gᵀd holds.
* :func:`strong_wolfe` finds α with sufficient decrease and the strong curvature
  condition |∇f(θ + αd)ᵀd| ≤ c₂ |gᵀd| (Nocedal & Wright, Algorithms 3.5 and 3.6),
  evaluating ∇f only where sufficient decrease holds: the line search of
  nonlinear CG, and the one the students of lecture 06 call.
* :func:`more_thuente` finds such an α by Moré and Thuente's algorithm (MINPACK's
  dcsrch), with f and ∇f at every trial step: the line search of BFGS and L-BFGS,
  as in scipy.optimize.

The searches return a :class:`LineSearchResult`. They compute with the
array-API namespace of θ; the scalars φ(α) and φ'(α) are Python floats. A
non-finite f or gradient, at θ or at a trial point, raises ``ValueError``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

from course import validation as check

__all__ = ["LineSearchResult", "backtracking", "exact_quadratic_step", "more_thuente", "strong_wolfe"]

Array = Any
Function = Callable[[Array], Any]
Gradient = Callable[[Array], Array]

#: Interpolated trial steps are kept at least this fraction of the bracket away from
#: its ends (the safeguard of the zoom phase; moving them there, rather than to the
#: midpoint, took fewer evaluations in bench/secondorder_bench.py).
_SAFEGUARD = 0.1
#: Extrapolation in the bracketing phase: the next trial step lies in
#: [α + 1.1 (α − α_prev), α + 4 (α − α_prev)] (as in Moré & Thuente's search).
_EXTRAPOLATE = (1.1, 4.0)


@dataclass(frozen=True)
class LineSearchResult:
    """What a line search found along d from θ.

    Attributes
    ----------
    alpha : float
        The step α (0.0 when no acceptable step was found).
    x : array
        The new point θ + αd (θ itself when α = 0).
    fun : float
        f(θ + αd).
    grad : array or None
        ∇f(θ + αd), when the search evaluated it (:func:`strong_wolfe` always
        does; :func:`backtracking` never does).
    nfev, ngev : int
        Evaluations of f and of the gradient the search made.
    success : bool
        Whether α satisfies the search's conditions.
    message : str
        What happened, in words.
    """

    alpha: float
    x: Array
    fun: float
    grad: Array | None
    nfev: int
    ngev: int
    success: bool
    message: str


def finite_value(name: str, value: Any) -> float:
    """``value`` (a number or a 0-d array) as a float, checked to be finite."""
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} is not finite: {value}")
    return value


def finite_gradient(name: str, g: Array, x: Array) -> Array:
    """Check that the gradient ``g`` at ``x`` is a finite array of x's shape."""
    if tuple(g.shape) != tuple(x.shape):
        raise ValueError(f"{name} has shape {tuple(g.shape)}, but the point has shape {tuple(x.shape)}")
    check.float_arrays(**{name: g})
    return g


def _slope(xp: Any, g: Array, d: Array) -> float:
    """φ'(0) = gᵀd, checked to be negative (d must be a descent direction)."""
    slope = float(xp.vecdot(g, d))
    if not slope < 0:
        raise ValueError(f"d is not a descent direction: gᵀd = {slope:.6g} ≥ 0")
    return slope


def _constants(c1: float, c2: float | None = None) -> None:
    """Check 0 < c₁ < 1, and c₁ < c₂ < 1 when c₂ is given."""
    check.positive("c1", c1)
    if c1 >= 1:
        raise ValueError(f"c1 must lie in (0, 1), got {c1}")
    if c2 is not None and not c1 < c2 < 1:
        raise ValueError(f"c2 must lie in (c1, 1) = ({c1}, 1), got {c2}")


def exact_quadratic_step(A: Array, g: Array, d: Array) -> float:
    """The exact line-search step on a quadratic: α* = −gᵀd / dᵀAd.

    On f(θ) = ½ θᵀAθ − bᵀθ with gradient g at θ, φ(α) = f(θ + αd) is a parabola
    with φ'(α) = gᵀd + α dᵀAd, so its minimiser is α* = −gᵀd / dᵀAd. For
    steepest descent, d = −g: α* = gᵀg / gᵀAg.

    Parameters
    ----------
    A : array, shape (n, n)
        The Hessian of the quadratic (only dᵀAd is used).
    g, d : array, shape (n,)
        The gradient at θ and the search direction.

    Returns
    -------
    float
        α* > 0.

    Raises
    ------
    ValueError
        If d is not a descent direction (gᵀd ≥ 0) or A has no positive curvature
        along d (dᵀAd ≤ 0, so φ has no minimiser).
    """
    xp = check.float_arrays(g=g, d=d)
    check.float_arrays(A=A)
    if g.ndim != 1 or tuple(A.shape) != (g.shape[0], g.shape[0]):
        raise ValueError(f"A must have shape (n, n) and g, d shape (n,); got A {tuple(A.shape)}, "
                         f"g {tuple(g.shape)}")
    slope = _slope(xp, g, d)
    curvature = float(xp.vecdot(d, A @ d))
    if not curvature > 0:
        raise ValueError(f"A is not positive definite along d: dᵀAd = {curvature:.6g} ≤ 0")
    return -slope / curvature


def backtracking(
    f: Function,
    x: Array,
    fx: Any,
    g: Array,
    d: Array,
    alpha0: float = 1.0,
    c1: float = 1e-4,
    shrink: float = 0.5,
    maxiter: int = 50,
) -> LineSearchResult:
    """Backtracking (Armijo) line search: α = α₀, α₀ρ, α₀ρ², … until sufficient decrease.

    Accepts the first α with f(θ + αd) ≤ f(θ) + c₁ α gᵀd, where ρ = ``shrink``.

    Parameters
    ----------
    f : callable
        θ ↦ f(θ), a number or a 0-d array.
    x : array
        The current point θ.
    fx : float or 0-d array
        f(θ).
    g : array
        ∇f(θ).
    d : array
        A descent direction (gᵀd < 0).
    alpha0 : float
        First trial step, > 0.
    c1 : float
        Sufficient-decrease constant, in (0, 1).
    shrink : float
        Factor ρ ∈ (0, 1) applied to α after each rejected trial.
    maxiter : int
        The most evaluations of f, ≥ 1.

    Returns
    -------
    LineSearchResult
        With ``grad`` None. When no trial is accepted, ``success`` is False and the
        result is the point θ itself (α = 0).

    Raises
    ------
    ValueError
        If d is not a descent direction, or f(θ), g or an f(θ + αd) is not finite.
    """
    xp = check.float_arrays(x=x, g=g, d=d)
    fx = finite_value("fx", fx)
    alpha = check.positive("alpha0", alpha0)
    _constants(c1)
    shrink = check.unit_interval("shrink", shrink)
    check.positive("shrink", shrink)
    maxiter = check.integer("maxiter", maxiter, 1)
    slope = _slope(xp, g, d)
    for nfev in range(1, maxiter + 1):
        trial = x + alpha * d
        f_trial = finite_value(f"f(x + αd) at α = {alpha:.6g}", f(trial))
        if f_trial <= fx + c1 * alpha * slope:
            return LineSearchResult(alpha, trial, f_trial, None, nfev, 0, True,
                                    "sufficient decrease")
        alpha *= shrink
    return LineSearchResult(0.0, x, fx, None, maxiter, 0, False,
                            f"no step with sufficient decrease in {maxiter} evaluations")


def _wolfe_settings(c1: float, c2: float, alpha0: float, alpha_max: float,
                    maxiter: int) -> tuple[float, float, int]:
    """Check the constants of a Wolfe line search; return (α₀, α_max, maxiter)."""
    _constants(c1, c2)
    alpha_max = check.positive("alpha_max", alpha_max)
    alpha = check.positive("alpha0", alpha0)
    if alpha > alpha_max:
        raise ValueError(f"alpha0 must be at most alpha_max = {alpha_max}, got {alpha}")
    return alpha, alpha_max, check.integer("maxiter", maxiter, 1)


@dataclass(frozen=True)
class _Trial:
    """One evaluated step: α, the point θ + αd, φ(α), and ∇f and φ'(α) if evaluated."""

    alpha: float
    x: Array
    f: float
    grad: Array | None = None
    slope: float | None = None


class _Phi:
    """φ(α) = f(θ + αd) and φ'(α), counting evaluations and checking for non-finite values.

    The gradient at a step is evaluated only after f at that same point (the same
    array object), so ``f`` may cache work that ``grad`` reuses.
    """

    def __init__(self, f: Function, grad: Gradient, x: Array, d: Array, xp: Any) -> None:
        self.f, self.grad, self.x, self.d, self.xp = f, grad, x, d, xp
        self.nfev = self.ngev = 0

    def start(self, fx: Any, g: Array | None) -> _Trial:
        """The trial α = 0: φ(0) = f(θ) and φ'(0) = gᵀd < 0, from ``fx`` and ``g`` where the
        caller has them (else evaluated here, and counted)."""
        if fx is None:
            self.nfev += 1
            fx = self.f(self.x)
        if g is None:
            self.ngev += 1
            g = self.grad(self.x)
        return _Trial(0.0, self.x, finite_value("f(x)", fx), finite_gradient("g", g, self.x),
                      _slope(self.xp, g, self.d))

    def value(self, alpha: float) -> _Trial:
        point = self.x + alpha * self.d
        self.nfev += 1
        return _Trial(alpha, point, finite_value(f"f(x + αd) at α = {alpha:.6g}", self.f(point)))

    def with_slope(self, trial: _Trial) -> _Trial:
        self.ngev += 1
        g = finite_gradient(f"grad(x + αd) at α = {trial.alpha:.6g}", self.grad(trial.x), self.x)
        return _Trial(trial.alpha, trial.x, trial.f, g, float(self.xp.vecdot(g, self.d)))

    def result(self, trial: _Trial, success: bool, message: str) -> LineSearchResult:
        return LineSearchResult(trial.alpha, trial.x, trial.f, trial.grad,
                                self.nfev, self.ngev, success, message)


def _cubic_minimizer(a: _Trial, b: _Trial) -> float:
    """Minimiser of the cubic through φ and φ' at a and b (N&W eq. 3.59); nan if none.

    d₁ = φ'(a) + φ'(b) − 3 (φ(a) − φ(b)) / (a − b),  d₂ = sign(b − a) √(d₁² − φ'(a)φ'(b)),
    α = b − (b − a) (φ'(b) + d₂ − d₁) / (φ'(b) − φ'(a) + 2 d₂).
    """
    d1 = a.slope + b.slope - 3 * (a.f - b.f) / (a.alpha - b.alpha)
    radicand = d1 * d1 - a.slope * b.slope
    if radicand < 0:
        return math.nan
    d2 = math.copysign(math.sqrt(radicand), b.alpha - a.alpha)
    denominator = b.slope - a.slope + 2 * d2
    if denominator == 0:
        return math.nan
    return b.alpha - (b.alpha - a.alpha) * (b.slope + d2 - d1) / denominator


def _quadratic_minimizer(a: _Trial, b: _Trial) -> float:
    """Minimiser of the parabola through φ(a), φ'(a) and φ(b); nan if it opens downwards."""
    h = b.alpha - a.alpha
    curvature = (b.f - a.f - a.slope * h) / (h * h)
    return a.alpha - a.slope / (2 * curvature) if curvature > 0 else math.nan


def _interpolate(lo: _Trial, hi: _Trial) -> float:
    """A trial step between lo and hi: the minimiser of the cubic interpolant (or,
    without φ'(hi), the quadratic one), kept at least 10 % of the bracket away from
    either end (the midpoint when the interpolant has no minimiser)."""
    alpha = _cubic_minimizer(lo, hi) if hi.slope is not None else _quadratic_minimizer(lo, hi)
    left, right = min(lo.alpha, hi.alpha), max(lo.alpha, hi.alpha)
    if not math.isfinite(alpha):
        return 0.5 * (left + right)
    margin = _SAFEGUARD * (right - left)
    return min(max(alpha, left + margin), right - margin)


def _extrapolate(prev: _Trial, cur: _Trial, alpha_max: float) -> float:
    """The next trial step beyond ``cur`` while φ is still decreasing: the cubic's
    minimiser kept in [α + 1.1 (α − α_prev), α + 4 (α − α_prev)], at most α_max."""
    width = cur.alpha - prev.alpha
    low, high = cur.alpha + _EXTRAPOLATE[0] * width, cur.alpha + _EXTRAPOLATE[1] * width
    alpha = _cubic_minimizer(prev, cur)
    alpha = min(max(alpha, low), high) if math.isfinite(alpha) else high
    return min(alpha, alpha_max)


def _zoom(phi: _Phi, lo: _Trial, hi: _Trial, start: _Trial, c1: float, c2: float,
          maxiter: int) -> LineSearchResult:
    """N&W Algorithm 3.6: shrink the bracket [lo, hi] that holds a strong-Wolfe step.

    ``lo`` has sufficient decrease, the lowest φ so far and a known slope with
    φ'(lo)(hi − lo) < 0; ``hi`` need not have a known slope.
    """
    while phi.nfev < maxiter:
        if abs(hi.alpha - lo.alpha) <= 1e-12 * max(1.0, hi.alpha):
            return phi.result(lo, False, "the bracket shrank below rounding without a strong-Wolfe step")
        trial = phi.value(_interpolate(lo, hi))
        if trial.f > start.f + c1 * trial.alpha * start.slope or trial.f >= lo.f:
            hi = trial
            continue
        trial = phi.with_slope(trial)
        if abs(trial.slope) <= -c2 * start.slope:
            return phi.result(trial, True, "strong Wolfe conditions hold")
        if trial.slope * (hi.alpha - lo.alpha) >= 0:
            hi = lo
        lo = trial
    return phi.result(lo, False, f"no strong-Wolfe step in {maxiter} evaluations of f")


def strong_wolfe(
    f: Function,
    grad: Gradient,
    x: Array,
    d: Array,
    c1: float = 1e-4,
    c2: float = 0.9,
    alpha0: float = 1.0,
    alpha_max: float = 1e10,
    maxiter: int = 30,
    *,
    fx: Any = None,
    g: Array | None = None,
) -> LineSearchResult:
    """Line search for a step satisfying the strong Wolfe conditions (N&W Alg. 3.5/3.6).

    Finds α > 0 with

    * sufficient decrease: f(θ + αd) ≤ f(θ) + c₁ α gᵀd, and
    * strong curvature: |∇f(θ + αd)ᵀd| ≤ c₂ |gᵀd|.

    The bracketing phase tries α₀ and then longer steps (cubic extrapolation, at
    most α_max) until a trial violates sufficient decrease, is not lower than the
    previous one, or has φ' ≥ 0; the zoom phase then shrinks the bracket with
    cubic interpolation (quadratic where the gradient at the far end was not
    needed), safeguarded to stay inside the bracket. The gradient at a trial step is evaluated
    only when sufficient decrease holds there, right after f at the same point
    (the same array object), so ``f`` may cache work that ``grad`` reuses.

    Parameters
    ----------
    f, grad : callable
        θ ↦ f(θ) (a number or 0-d array) and θ ↦ ∇f(θ).
    x : array
        The current point θ.
    d : array
        A descent direction (gᵀd < 0).
    c1, c2 : float
        0 < c₁ < c₂ < 1. c₂ = 0.9 suits (quasi-)Newton directions; nonlinear CG
        needs a smaller c₂ (0.1 to 0.4).
    alpha0 : float
        First trial step, > 0 (and ≤ α_max).
    alpha_max : float
        The longest step tried.
    maxiter : int
        The most evaluations of f, ≥ 1.
    fx, g : optional
        f(θ) and ∇f(θ) when the caller has them (they are evaluated, and counted,
        otherwise).

    Returns
    -------
    LineSearchResult
        On success the accepted step with f and the gradient there (so a solver
        need not evaluate them again). On failure (``success`` False) the trial with
        sufficient decrease and the lowest f found so far (θ itself, α = 0, if none).

    Raises
    ------
    ValueError
        If d is not a descent direction, the constants are out of range, or f or
        its gradient is not finite at θ or at a trial point.
    """
    xp = check.float_arrays(x=x, d=d)
    alpha, alpha_max, maxiter = _wolfe_settings(c1, c2, alpha0, alpha_max, maxiter)
    phi = _Phi(f, grad, x, d, xp)
    start = phi.start(fx, g)
    prev = start
    while phi.nfev < maxiter:
        trial = phi.value(alpha)
        if trial.f > start.f + c1 * alpha * start.slope or (prev is not start and trial.f >= prev.f):
            return _zoom(phi, prev, trial, start, c1, c2, maxiter)
        trial = phi.with_slope(trial)
        if abs(trial.slope) <= -c2 * start.slope:
            return phi.result(trial, True, "strong Wolfe conditions hold")
        if trial.slope >= 0:
            return _zoom(phi, trial, prev, start, c1, c2, maxiter)
        if alpha >= alpha_max:
            return phi.result(trial, False, f"f still decreases at alpha_max = {alpha_max:.6g}")
        alpha = _extrapolate(prev, trial, alpha_max)
        prev = trial
    return phi.result(prev, False, f"no strong-Wolfe step in {maxiter} evaluations of f")


def _mt_cubic(a: float, fa: float, da: float, b: float, fb: float, db: float) -> tuple[float, float]:
    """The minimiser of the cubic through (a, fa, da) and (b, fb, db), as MINPACK's dcstep
    computes it from a: θ = 3 (fa − fb)/(b − a) + da + db, γ = sign(b − a) √max(θ² − da·db, 0),
    α = a + (b − a) (γ − da + θ) / (2γ − da + db). Returns (α, γ); γ = 0 when the cubic has
    no minimiser (its α is then meaningless)."""
    theta = 3.0 * (fa - fb) / (b - a) + da + db
    scale = max(abs(theta), abs(da), abs(db))
    gamma = math.copysign(scale * math.sqrt(max((theta / scale) ** 2 - (da / scale) * (db / scale), 0.0)),
                          b - a)
    return a + (b - a) * ((gamma - da) + theta) / (((gamma - da) + gamma) + db), gamma


def _mt_step(best: _Trial, other: _Trial, trial: _Trial, bracketed: bool, lo: float, hi: float,
             shift: float) -> tuple[_Trial, _Trial, float, bool]:
    """Moré–Thuente's safeguarded step (MINPACK dcstep) on ψ(α) = φ(α) − shift·α.

    ``best`` has the lowest ψ so far and ψ'(best) (trial − best) < 0; ``other`` is the
    other end of the bracket once ``bracketed``. With c the cubic step through best and
    trial, q the quadratic step through ψ(best), ψ'(best), ψ(trial) and s the secant step
    through ψ'(best), ψ'(trial), the next step is

    1. ψ(trial) > ψ(best): c if closer to best than q, else (c + q)/2 (bracketed);
    2. ψ' changes sign: c if farther from trial than s, else s (bracketed);
    3. |ψ'| decreases: c (or lo/hi where the cubic has no minimiser beyond trial) or s,
       the one closer to trial if bracketed (then at most 66 % of the way to ``other``),
       else the farther one, clipped to [lo, hi];
    4. otherwise: the cubic step through trial and other if bracketed, else lo or hi.

    Returns the new (best, other, step, bracketed).
    """
    a, fa, da = best.alpha, best.f - shift * best.alpha, best.slope - shift
    t, ft, dt = trial.alpha, trial.f - shift * trial.alpha, trial.slope - shift
    sign_change = math.copysign(1.0, da) * dt < 0
    if ft > fa:
        cubic, _ = _mt_cubic(a, fa, da, t, ft, dt)
        quadratic = a + da / ((fa - ft) / (t - a) + da) / 2 * (t - a)
        step = cubic if abs(cubic - a) <= abs(quadratic - a) else cubic + (quadratic - cubic) / 2
        bracketed = True
    elif sign_change:
        cubic, _ = _mt_cubic(t, ft, dt, a, fa, da)
        secant = t + dt / (dt - da) * (a - t)
        step = cubic if abs(cubic - t) > abs(secant - t) else secant
        bracketed = True
    elif abs(dt) < abs(da):
        cubic, gamma = _mt_cubic(t, ft, dt, a, fa, da)
        if not (gamma != 0 and (cubic - t) * (a - t) < 0):  # no minimiser beyond trial
            cubic = hi if t > a else lo
        secant = t + dt / (dt - da) * (a - t)
        if bracketed:
            step = cubic if abs(cubic - t) < abs(secant - t) else secant
            limit = t + 0.66 * (other.alpha - t)
            step = min(limit, step) if t > a else max(limit, step)
        else:
            step = min(max(cubic if abs(cubic - t) > abs(secant - t) else secant, lo), hi)
    elif bracketed:
        o = other.alpha
        step, _ = _mt_cubic(t, ft, dt, o, other.f - shift * o, other.slope - shift)
    else:
        step = hi if t > a else lo
    if ft > fa:
        other = trial
    else:
        if sign_change:
            other = best
        best = trial
    return best, other, step, bracketed


def more_thuente(
    f: Function,
    grad: Gradient,
    x: Array,
    d: Array,
    c1: float = 1e-4,
    c2: float = 0.9,
    alpha0: float = 1.0,
    alpha_max: float = 1e10,
    xtol: float = 1e-14,
    maxiter: int = 30,
    *,
    fx: Any = None,
    g: Array | None = None,
) -> LineSearchResult:
    """Moré–Thuente line search for a strong-Wolfe step (MINPACK's dcsrch).

    Finds α > 0 with the strong Wolfe conditions of :func:`strong_wolfe`. Unlike it,
    this search evaluates f and ∇f together at every trial step and always
    interpolates with f and φ' at both ends (Moré & Thuente, "Line search algorithms
    with guaranteed sufficient decrease", ACM TOMS 20, 1994). It keeps a bracket
    [best, other] and picks the next step by :func:`_mt_step` (cubic, quadratic and
    secant steps, safeguarded), on the auxiliary function ψ(α) = φ(α) − φ(0) −
    c₁ α φ'(0) until some trial has ψ ≤ 0 and φ' ≥ 0, on φ after. Before a bracket
    is found, steps grow to [α + 1.1 (α − α_best), α + 4 (α − α_best)]; inside one, a
    bisection is forced when two steps did not shrink it to 66 %. This is the line
    search of scipy.optimize's BFGS (``scalar_search_wolfe1``) and of L-BFGS-B; the
    logic follows scipy's Python port of dcsrch and dcstep (scipy/optimize/_dcsrch.py,
    BSD licence; MINPACK-2, Argonne National Laboratory and University of Minnesota,
    Averick, Carter and Moré, 1993), except that a search that cannot progress
    returns its best step at once instead of evaluating it again. ``grad`` is called
    right after ``f`` at the same point (the same array object), so ``f`` may cache
    work that ``grad`` reuses.

    Parameters
    ----------
    f, grad, x, d, c1, c2, alpha0, alpha_max, fx, g
        As in :func:`strong_wolfe`.
    xtol : float
        Give up once the bracket is shorter than xtol times its right end, ≥ 0.
    maxiter : int
        The most evaluations of f (each with one of ∇f), ≥ 1.

    Returns
    -------
    LineSearchResult
        As :func:`strong_wolfe`'s, with nfev = ngev (besides f(θ) and ∇f(θ) when
        they are not given). On failure, the best trial (the one with the lowest ψ,
        or φ in the second stage), θ itself if none.

    Raises
    ------
    ValueError
        As :func:`strong_wolfe`.
    """
    xp = check.float_arrays(x=x, d=d)
    alpha, alpha_max, maxiter = _wolfe_settings(c1, c2, alpha0, alpha_max, maxiter)
    xtol = check.non_negative("xtol", xtol)
    phi = _Phi(f, grad, x, d, xp)
    start = phi.start(fx, g)
    sufficient = c1 * start.slope  # ψ'(0); sufficient decrease is φ(α) ≤ φ(0) + α·sufficient
    best = other = start
    bracketed, first_stage = False, True
    lo, hi = 0.0, 5.0 * alpha
    width = alpha_max
    width_before = 2.0 * width
    while phi.nfev < maxiter:
        trial = phi.with_slope(phi.value(alpha))
        decrease = trial.f <= start.f + alpha * sufficient
        if decrease and abs(trial.slope) <= -c2 * start.slope:
            return phi.result(trial, True, "strong Wolfe conditions hold")
        if alpha == alpha_max and decrease and trial.slope <= sufficient:
            return phi.result(trial, False, f"f still decreases at alpha_max = {alpha_max:.6g}")
        first_stage = first_stage and not (decrease and trial.slope >= 0)
        # In the first stage a trial lower than the best but without sufficient decrease
        # is judged on ψ, whose minimiser has sufficient decrease.
        shift = sufficient if first_stage and not decrease and trial.f <= best.f else 0.0
        best, other, alpha, bracketed = _mt_step(best, other, trial, bracketed, lo, hi, shift)
        if bracketed:
            if abs(other.alpha - best.alpha) >= 0.66 * width_before:
                alpha = best.alpha + 0.5 * (other.alpha - best.alpha)
            width_before, width = width, abs(other.alpha - best.alpha)
            lo, hi = min(best.alpha, other.alpha), max(best.alpha, other.alpha)
            if not lo < alpha < hi or hi - lo <= xtol * hi:
                return phi.result(best, False, "rounding errors or xtol stop the search")
        else:
            lo, hi = alpha + 1.1 * (alpha - best.alpha), alpha + 4.0 * (alpha - best.alpha)
        alpha = min(alpha, alpha_max)
    return phi.result(best, False, f"no strong-Wolfe step in {maxiter} evaluations of f")
