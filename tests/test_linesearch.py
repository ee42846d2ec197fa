"""Tests for course.linesearch, on NumPy and array_api_strict (the ``xp`` fixture)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scipy.optimize import line_search
from scipy.optimize._linesearch import scalar_search_wolfe1

from course.backend import to_numpy
from course.linesearch import backtracking, exact_quadratic_step, more_thuente, strong_wolfe
from course.problems import Quadratic, rosenbrock


def arr(xp, values):
    return xp.asarray(np.asarray(values, dtype=np.float64), dtype=xp.float64)


def counted(fun):
    """``fun`` with a call counter in ``.calls``."""

    def wrapper(x):
        wrapper.calls += 1
        return fun(x)

    wrapper.calls = 0
    return wrapper


def phi(x, d, alpha):
    """f and the slope ∇fᵀd on Rosenbrock at x + αd, in NumPy."""
    point = np.asarray(x) + alpha * np.asarray(d)
    return float(rosenbrock.value(point)), float(rosenbrock.grad(point) @ d)


# Points and descent directions on Rosenbrock: −g, and the Newton direction where H ≻ 0.
STARTS = [[-1.2, 1.0], [0.0, 0.0], [2.0, 2.0], [1.5, -0.5]]


def directions(x):
    g = rosenbrock.grad(np.asarray(x))
    yield "steepest", -g
    H = rosenbrock.hessian(np.asarray(x))
    if np.all(np.linalg.eigvalsh(H) > 0):
        yield "newton", -np.linalg.solve(H, g)


CASES = [(x, name, d) for x in STARTS for name, d in directions(x)]


# -- exact_quadratic_step ------------------------------------------------------------


def test_exact_quadratic_step_minimises_along_d(xp):
    A = arr(xp, [[3.0, 1.0], [1.0, 2.0]])
    q = Quadratic(A, arr(xp, [1.0, -1.0]))
    x = arr(xp, [2.0, 1.0])
    g, d = q.grad(x), arr(xp, [-1.0, 0.5])
    alpha = exact_quadratic_step(A, g, d)
    gd = float(to_numpy(g) @ to_numpy(d))
    dAd = float(to_numpy(d) @ to_numpy(A) @ to_numpy(d))
    assert alpha == pytest.approx(-gd / dAd, rel=1e-14)
    # φ'(α*) = ∇f(x + α*d)ᵀd = 0: the step ends at the minimum along d.
    assert float(to_numpy(q.grad(x + alpha * d)) @ to_numpy(d)) == pytest.approx(0.0, abs=1e-12)


def test_exact_quadratic_step_for_steepest_descent_is_gtg_over_gtag(xp):
    A = arr(xp, [[1.0, 0.0], [0.0, 0.1]])
    g = arr(xp, [0.3, -2.0])
    gn = to_numpy(g)
    assert exact_quadratic_step(A, g, -g) == pytest.approx(gn @ gn / (gn @ to_numpy(A) @ gn), rel=1e-14)


def test_exact_quadratic_step_rejects_ascent_and_negative_curvature(xp):
    A = arr(xp, [[1.0, 0.0], [0.0, -1.0]])
    g = arr(xp, [1.0, 1.0])
    with pytest.raises(ValueError, match=r"d is not a descent direction: gᵀd = 2 ≥ 0"):
        exact_quadratic_step(A, g, g)
    with pytest.raises(ValueError, match=r"A is not positive definite along d: dᵀAd = -1"):
        exact_quadratic_step(A, g, arr(xp, [0.0, -1.0]))


# -- backtracking --------------------------------------------------------------------


@pytest.mark.parametrize("x, name, d", CASES)
def test_backtracking_accepts_the_first_step_with_sufficient_decrease(x, name, d):
    x = np.asarray(x)
    f0, slope = phi(x, d, 0.0)
    f = counted(rosenbrock.value)
    res = backtracking(f, x, f0, rosenbrock.grad(x), d, alpha0=1.0, c1=1e-4, shrink=0.5)
    assert res.success and res.grad is None and res.ngev == 0
    assert res.nfev == f.calls == round(np.log2(1.0 / res.alpha)) + 1
    assert res.fun == pytest.approx(phi(x, d, res.alpha)[0], rel=1e-15)
    assert res.fun <= f0 + 1e-4 * res.alpha * slope
    if res.alpha < 1.0:  # the previous, longer trial failed the Armijo condition
        assert phi(x, d, 2 * res.alpha)[0] > f0 + 1e-4 * 2 * res.alpha * slope
    np.testing.assert_allclose(res.x, x + res.alpha * d, rtol=1e-15)


def test_backtracking_runs_on_every_namespace(xp):
    x = arr(xp, [-1.2, 1.0])
    g = rosenbrock.grad(x)
    res = backtracking(rosenbrock.value, x, rosenbrock.value(x), g, -g)
    assert res.success and res.fun < float(rosenbrock.value(x))
    assert type(res.x) is type(x)


def test_backtracking_gives_up_after_maxiter():
    x = np.array([-1.2, 1.0])
    g = rosenbrock.grad(x)
    res = backtracking(rosenbrock.value, x, rosenbrock.value(x), g, -g, alpha0=1.0, maxiter=3)
    assert not res.success and res.alpha == 0.0 and res.nfev == 3
    np.testing.assert_array_equal(res.x, x)


def test_backtracking_rejects_bad_input():
    x = np.array([-1.2, 1.0])
    g = rosenbrock.grad(x)
    with pytest.raises(ValueError, match="d is not a descent direction"):
        backtracking(rosenbrock.value, x, 24.2, g, g)
    with pytest.raises(ValueError, match="fx is not finite"):
        backtracking(rosenbrock.value, x, float("nan"), g, -g)
    with pytest.raises(ValueError, match="g contains non-finite"):
        backtracking(rosenbrock.value, x, 24.2, np.array([np.inf, 0.0]), -g)
    with pytest.raises(ValueError, match=r"f\(x \+ αd\) at α = 1 is not finite"):
        backtracking(lambda _: float("nan"), x, 24.2, g, -g)
    with pytest.raises(ValueError, match="shrink must lie in"):
        backtracking(rosenbrock.value, x, 24.2, g, -g, shrink=1.0)


# -- strong_wolfe --------------------------------------------------------------------


@pytest.mark.parametrize("c2", [0.9, 0.1])
@pytest.mark.parametrize("x, name, d", CASES)
def test_strong_wolfe_step_satisfies_both_conditions(x, name, d, c2):
    x = np.asarray(x)
    f0, slope0 = phi(x, d, 0.0)
    f, grad = counted(rosenbrock.value), counted(rosenbrock.grad)
    res = strong_wolfe(f, grad, x, d, c1=1e-4, c2=c2)
    assert res.success, res.message
    f_new, slope_new = phi(x, d, res.alpha)
    assert f_new <= f0 + 1e-4 * res.alpha * slope0  # sufficient decrease
    assert abs(slope_new) <= c2 * abs(slope0)  # strong curvature
    # The result carries f and the gradient at the accepted point, so a solver need
    # not evaluate them again; the counts are the calls made.
    assert res.fun == pytest.approx(f_new, rel=1e-15)
    np.testing.assert_allclose(res.grad, rosenbrock.grad(x + res.alpha * d), rtol=1e-15)
    np.testing.assert_allclose(res.x, x + res.alpha * d, rtol=1e-15)
    assert (res.nfev, res.ngev) == (f.calls, grad.calls)
    assert res.ngev <= res.nfev


@pytest.mark.parametrize("x, name, d", CASES)
def test_strong_wolfe_agrees_with_scipy_line_search(x, name, d):
    """scipy's step satisfies the same conditions; both decrease f, and where α = 1
    is acceptable (the Newton direction near the minimum) both take it."""
    x = np.asarray(x)
    ours = strong_wolfe(rosenbrock.value, rosenbrock.grad, x, d, c2=0.9,
                        fx=rosenbrock.value(x), g=rosenbrock.grad(x))
    theirs = line_search(rosenbrock.value, rosenbrock.grad, x, d, c1=1e-4, c2=0.9)
    assert theirs[0] is not None
    f0, slope0 = phi(x, d, 0.0)
    for alpha in (ours.alpha, theirs[0]):
        f_new, slope_new = phi(x, d, alpha)
        assert f_new <= f0 + 1e-4 * alpha * slope0 and abs(slope_new) <= 0.9 * abs(slope0)
    if theirs[0] == 1.0:
        assert ours.alpha == 1.0 and ours.nfev == ours.ngev == 1


def test_strong_wolfe_uses_the_given_fx_and_g():
    x = np.array([-1.2, 1.0])
    g = rosenbrock.grad(x)
    f, grad = counted(rosenbrock.value), counted(rosenbrock.grad)
    given = strong_wolfe(f, grad, x, -g, fx=rosenbrock.value(x), g=g)
    evaluated = strong_wolfe(rosenbrock.value, rosenbrock.grad, x, -g)
    assert given.alpha == evaluated.alpha
    assert (given.nfev + 1, given.ngev + 1) == (evaluated.nfev, evaluated.ngev)


def test_strong_wolfe_extrapolates_when_the_first_step_is_too_short():
    q = Quadratic(np.diag([1.0, 4.0]))
    x = np.array([1.0, 1.0])
    g = q.grad(x)
    res = strong_wolfe(q.value, q.grad, x, -g, c2=0.1, alpha0=1e-3)
    assert res.success and res.alpha > 1e-2
    assert abs(q.grad(res.x) @ g) <= 0.1 * (g @ g)


@pytest.mark.parametrize("search", [strong_wolfe, more_thuente], ids=lambda s: s.__name__)
def test_line_searches_run_on_every_namespace(xp, search):
    x = arr(xp, [-1.2, 1.0])
    g = rosenbrock.grad(x)
    res = search(rosenbrock.value, rosenbrock.grad, x, -g, alpha0=0.004)
    ref = search(rosenbrock.value, rosenbrock.grad, to_numpy(x), -to_numpy(g), alpha0=0.004)
    assert res.success and res.alpha == pytest.approx(ref.alpha, rel=1e-12)
    assert type(res.x) is type(x) and type(res.grad) is type(x)


@pytest.mark.parametrize("search", [strong_wolfe, more_thuente], ids=lambda s: s.__name__)
def test_line_searches_report_failure_with_the_best_point(search):
    x = np.array([-1.2, 1.0])
    g = rosenbrock.grad(x)
    res = search(rosenbrock.value, rosenbrock.grad, x, -g, maxiter=2)
    assert not res.success and "no strong-Wolfe step in 2 evaluations" in res.message
    assert res.fun <= float(rosenbrock.value(x))
    np.testing.assert_allclose(res.grad, rosenbrock.grad(res.x))


def test_strong_wolfe_rejects_bad_input():
    x = np.array([-1.2, 1.0])
    g = rosenbrock.grad(x)
    f, grad = rosenbrock.value, rosenbrock.grad
    with pytest.raises(ValueError, match=r"d is not a descent direction: gᵀd = .* ≥ 0"):
        strong_wolfe(f, grad, x, g)
    with pytest.raises(ValueError, match=r"c2 must lie in \(c1, 1\)"):
        strong_wolfe(f, grad, x, -g, c1=0.5, c2=0.4)
    with pytest.raises(ValueError, match=r"f\(x\) is not finite"):
        strong_wolfe(f, grad, x, -g, fx=float("inf"))
    with pytest.raises(ValueError, match=r"f\(x \+ αd\) at α = 0.5 is not finite"):
        strong_wolfe(lambda p: float("nan") if p[0] != x[0] else 24.2, grad, x, -g, alpha0=0.5)
    with pytest.raises(ValueError, match=r"grad\(x \+ αd\) at α = 0.001 contains non-finite"):
        strong_wolfe(f, lambda p: g if p[0] == x[0] else np.full(2, np.nan), x, -g, alpha0=1e-3)
    with pytest.raises(ValueError, match="alpha0 must be at most alpha_max"):
        strong_wolfe(f, grad, x, -g, alpha0=2.0, alpha_max=1.0)


# -- more_thuente --------------------------------------------------------------------


@pytest.mark.parametrize("c2", [0.9, 0.1])
@pytest.mark.parametrize("x, name, d", CASES)
def test_more_thuente_step_satisfies_both_conditions(x, name, d, c2):
    x = np.asarray(x)
    f0, slope0 = phi(x, d, 0.0)
    f, grad = counted(rosenbrock.value), counted(rosenbrock.grad)
    res = more_thuente(f, grad, x, d, c1=1e-4, c2=c2, fx=f0, g=rosenbrock.grad(x))
    assert res.success, res.message
    f_new, slope_new = phi(x, d, res.alpha)
    assert f_new <= f0 + 1e-4 * res.alpha * slope0  # sufficient decrease
    assert abs(slope_new) <= c2 * abs(slope0)  # strong curvature
    assert res.fun == pytest.approx(f_new, rel=1e-15)
    np.testing.assert_allclose(res.grad, rosenbrock.grad(x + res.alpha * d), rtol=1e-15)
    np.testing.assert_allclose(res.x, x + res.alpha * d, rtol=1e-15)
    # f and the gradient are evaluated together at every trial.
    assert res.nfev == res.ngev == f.calls == grad.calls


# Functions of one variable from Moré & Thuente (1994), Table 1 to 3, a quartic and a
# cosine: (φ, φ'), each with φ'(0) < 0.
PHIS = {
    "-a/(a²+2)": (lambda a: -a / (a * a + 2), lambda a: (a * a - 2) / (a * a + 2) ** 2),
    "(a+β)⁵-2(a+β)⁴": (lambda a: (a + 0.004) ** 5 - 2 * (a + 0.004) ** 4,
                       lambda a: 5 * (a + 0.004) ** 4 - 8 * (a + 0.004) ** 3),
    "(a-3)⁴+a": (lambda a: (a - 3) ** 4 + a, lambda a: 4 * (a - 3) ** 3 + 1),
    "-cos(a)-a/10": (lambda a: -math.cos(a) - 0.1 * a, lambda a: math.sin(a) - 0.1),
}


@pytest.mark.parametrize("c1, c2", [(1e-4, 0.9), (1e-4, 0.1), (0.1, 0.2)])
@pytest.mark.parametrize("name", list(PHIS))
def test_more_thuente_takes_the_step_of_scipys_minpack_search(name, c1, c2):
    """On φ(α) = f(0 + α·1) our search tries the same steps as scipy's port of MINPACK's
    dcsrch: the same accepted step (to rounding) after as many evaluations."""
    value, slope = PHIS[name]
    calls = []

    def derphi(a):
        calls.append(a)
        return slope(a)

    alpha, _, _ = scalar_search_wolfe1(value, derphi, value(0.0), None, slope(0.0), c1=c1, c2=c2,
                                       amin=0.0, amax=1e10, xtol=1e-14)
    res = more_thuente(lambda x: value(float(x[0])), lambda x: np.array([slope(float(x[0]))]),
                       np.zeros(1), np.ones(1), c1=c1, c2=c2, fx=value(0.0), g=np.array([slope(0.0)]))
    assert alpha is not None and res.success
    assert res.alpha == pytest.approx(alpha, rel=1e-12)
    assert res.nfev == res.ngev == len(calls)


def test_more_thuente_accepts_the_newton_step_near_the_minimum():
    x = np.array([0.9, 0.8])
    g = rosenbrock.grad(x)
    d = -np.linalg.solve(rosenbrock.hessian(x), g)
    res = more_thuente(rosenbrock.value, rosenbrock.grad, x, d, fx=rosenbrock.value(x), g=g)
    assert res.success and res.alpha == 1.0 and res.nfev == res.ngev == 1


def test_more_thuente_extrapolates_and_evaluates_what_it_is_not_given():
    q = Quadratic(np.diag([1.0, 4.0]))
    x = np.array([1.0, 1.0])
    g = q.grad(x)
    f, grad = counted(q.value), counted(q.grad)
    res = more_thuente(f, grad, x, -g, c2=0.1, alpha0=1e-3)
    assert res.success and res.alpha > 1e-2
    assert abs(q.grad(res.x) @ g) <= 0.1 * (g @ g)
    assert (res.nfev, res.ngev) == (f.calls, grad.calls)  # f(x) and ∇f(x) included


def test_more_thuente_stops_at_a_bracket_narrower_than_xtol():
    x = np.array([-1.2, 1.0])
    g = rosenbrock.grad(x)
    # A bracket that may not shrink below xtol = 0.5 of its right end stops a search
    # that asks for a slope as small as c₂ = 2·10⁻⁴ of the first; the best trial comes back.
    stuck = more_thuente(rosenbrock.value, rosenbrock.grad, x, -g, c2=2e-4, xtol=0.5)
    assert not stuck.success and "xtol" in stuck.message
    assert stuck.fun <= float(rosenbrock.value(x)) + 1e-4 * stuck.alpha * float(g @ -g)


def test_more_thuente_rejects_bad_input():
    x = np.array([-1.2, 1.0])
    g = rosenbrock.grad(x)
    f, grad = rosenbrock.value, rosenbrock.grad
    with pytest.raises(ValueError, match=r"d is not a descent direction"):
        more_thuente(f, grad, x, g)
    with pytest.raises(ValueError, match=r"c2 must lie in \(c1, 1\)"):
        more_thuente(f, grad, x, -g, c1=0.5, c2=0.4)
    with pytest.raises(ValueError, match="alpha0 must be at most alpha_max"):
        more_thuente(f, grad, x, -g, alpha0=2.0, alpha_max=1.0)
    with pytest.raises(ValueError, match="xtol"):
        more_thuente(f, grad, x, -g, xtol=-1.0)
    with pytest.raises(ValueError, match=r"grad\(x \+ αd\) at α = 0.001 contains non-finite"):
        more_thuente(f, lambda p: g if p[0] == x[0] else np.full(2, np.nan), x, -g, alpha0=1e-3)
