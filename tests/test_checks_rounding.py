"""The checks judge only what rounding cannot change (issue: a grade must not depend on
the machine that grades it; tests/test_verdict_matrix.py runs every verdict under each
BLAS kernel). Here, the mechanisms one at a time: runs compared one step at a time,
restarts and stops of the line-search solvers within rounding accepted, a failed line
search ending the judging of a run, tolerances scaled to the conditioning, and a
mistake named only when it explains the whole run."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import course.linesearch
from course.checks import CheckFailed, check_bfgs, check_nonlinear_cg, check_sgd_step
from course.checks.secondorder import DIRECTION_TOLERANCE, InverseBFGS, PolakRibiere
from course.linesearch import strong_wolfe

NONLINEAR_CG = '''
def nonlinear_cg(f, grad, x0, tol=1e-6, maxiter=2000):
    x, g = x0.copy(), grad(x0)
    d = -g
    for k in range(maxiter):
        if np.sqrt(g @ g) <= tol:
            return x, k
        if g @ d >= 0:
            d = -g
        step = strong_wolfe(f, grad, x, d)
        STALL
        beta = ((step.grad - g) @ step.grad) / (g @ g)
        d = beta * d - step.grad
        x, g = step.x, step.grad
    return x, maxiter
'''


def solver(source: str, name: str):
    namespace = {"np": np, "strong_wolfe": course.linesearch.strong_wolfe}  # as patched
    exec(source, namespace)
    return namespace[name]


def test_a_run_is_judged_one_step_at_a_time():
    """An error below the tolerance in each step passes however far the run drifts from
    the reference's own run (as rounding of another kernel makes it drift)."""
    def sgd_step(theta, g, lr):
        return (theta - lr * g) * (1 + 6e-10)  # float64's tolerance is 1e-9 per step

    check_sgd_step(sgd_step)

    def sgd_step_wrong(theta, g, lr):
        return (theta - lr * g) * (1 + 1e-6)

    with pytest.raises(CheckFailed, match="gives wrong values of `theta`"):
        check_sgd_step(sgd_step_wrong)


@pytest.fixture
def failing_fifth_line_search(monkeypatch):
    """strong_wolfe, whose fifth call fails as it does at the rounding floor: α = 0."""
    calls = []

    def line_search(f, grad, x, d, *args, **kwargs):
        calls.append(1)
        result = strong_wolfe(f, grad, x, d, *args, **kwargs)
        if len(calls) == 5:
            return dataclasses.replace(result, alpha=0.0, x=np.array(x, copy=True), fun=f(x), grad=grad(x),
                                       success=False, message="the bracket shrank below rounding")
        return result

    monkeypatch.setattr(course.linesearch, "strong_wolfe", line_search)
    return calls


@pytest.mark.parametrize("after_stall", ["", "if step.alpha == 0:\n            return x, k + 1"],
                         ids=["restarts", "stops"])
def test_nonlinear_cg_may_restart_or_stop_after_a_failed_line_search(failing_fifth_line_search, after_stall):
    check_nonlinear_cg(solver(NONLINEAR_CG.replace("STALL", after_stall), "nonlinear_cg"))
    assert len(failing_fifth_line_search) > 5


def test_a_solver_that_stops_without_a_failed_line_search_still_fails():
    early = NONLINEAR_CG.replace("STALL", "if k == 4:\n            return step.x, k + 1")
    with pytest.raises(CheckFailed, match="stops with ‖g‖ > tol before maxiter"):
        check_nonlinear_cg(solver(early, "nonlinear_cg"))


def _polak_ribiere(g_prev, d_prev, n=10):
    rule = PolakRibiere(n)
    rule.learn(np.asarray(d_prev, float), np.asarray(g_prev, float), None, None)
    return rule


def _accepts(rule, k, g, d):
    return any(np.allclose(d, a, rtol=0, atol=1e-15) for a in rule.accepted(k, g))


def test_a_restart_is_accepted_exactly_where_gtd_is_within_rounding_of_zero():
    g_prev, d_prev = np.array([1.0, 0.0]), np.array([-1.0, -0.5])
    # β = (g − g_prev)ᵀg / g_prevᵀg_prev > 0 for these g; gᵀd_PR = −gᵀg + β gᵀd_prev.
    for g, restart, keep in [
        (np.array([0.2, -0.6]), False, True),   # clearly a descent direction: keep PR's
        (np.array([-1.0, -1.0]), True, False),  # clearly not: restart with −g
    ]:
        rule = _polak_ribiere(g_prev, d_prev)
        d = -g + rule._beta(g) * rule.d_prev
        assert rule._beta(g) > 0
        assert _accepts(rule, 1, g, -g) is restart and _accepts(rule, 1, g, d) is keep
    # gᵀd_PR = 0 up to rounding: either choice is right.
    g = np.array([0.0, -1.0])
    rule = _polak_ribiere(g_prev, np.array([0.3, -1.0]))
    d = -g + rule._beta(g) * rule.d_prev
    assert abs(g @ d) <= 1e-15 and rule._beta(g) > 0
    assert _accepts(rule, 1, g, -g) and _accepts(rule, 1, g, d)


def test_the_tolerance_of_the_pr_direction_grows_where_rounding_of_beta_matters():
    g = np.array([1.0, 1.0])
    far = _polak_ribiere(np.array([-1.0, 2.0]), np.array([1.0, -1.0]))
    # g_t ≈ g_{t−1}: β's numerator cancels, and a long d_{t−1} carries its rounding into d_t.
    near = _polak_ribiere(g * (1 + 1e-9), np.array([1e12, -1e12]))
    assert far.tolerance(1, g) == DIRECTION_TOLERANCE
    assert near.tolerance(1, g) > DIRECTION_TOLERANCE


def test_the_tolerance_of_bfgs_grows_with_the_condition_number_of_m():
    rule = InverseBFGS(2)
    assert rule.tolerance(0, np.ones(2)) == DIRECTION_TOLERANCE
    rule.M, rule.updates = np.diag([1.0, 1e11]), 10
    assert rule.tolerance(5, np.ones(2)) > 100 * DIRECTION_TOLERANCE


def test_a_mistake_is_named_only_when_it_explains_the_whole_run():
    """A solver that takes right directions, then −g from iteration 3 on, is not
    "steepest descent at every step"; the real steepest descent is."""
    late = NONLINEAR_CG.replace("STALL", "").replace("d = beta * d - step.grad",
                                                      "d = beta * d - step.grad if k < 2 else -step.grad")
    with pytest.raises(CheckFailed) as info:
        check_nonlinear_cg(solver(late, "nonlinear_cg"))
    assert "iteration" in str(info.value) and "(steepest descent)" not in str(info.value)
    assert "compare your code with" in str(info.value)
    steepest = NONLINEAR_CG.replace("STALL", "").replace("d = beta * d - step.grad", "d = -step.grad")
    with pytest.raises(CheckFailed, match="steepest descent"):
        check_nonlinear_cg(solver(steepest, "nonlinear_cg"))


def test_bfgs_stuck_after_a_failed_line_search_is_not_judged_by_its_directions(failing_fifth_line_search):
    source = '''
def bfgs(f, grad, x0, tol=1e-6, maxiter=2000):
    H, x, g = np.eye(len(x0)), x0.copy(), grad(x0)
    for k in range(maxiter):
        if np.linalg.norm(g) <= tol:
            return x, k
        step = strong_wolfe(f, grad, x, -H @ g)
        if step.alpha == 0:
            return x, k + 1
        s, y = step.x - x, step.grad - g
        if y @ s > 0:
            rho = 1 / (y @ s)
            V = np.eye(len(x)) - rho * np.outer(y, s)
            H = V.T @ H @ V + rho * np.outer(s, s)
        x, g = step.x, step.grad
    return x, maxiter
'''
    check_bfgs(solver(source, "bfgs"))
