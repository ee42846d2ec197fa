"""Tests for course.secondorder, on NumPy and array_api_strict (the ``xp`` fixture)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import scipy.linalg
from scipy.optimize import minimize as scipy_minimize
from scipy.optimize import rosen, rosen_der

from course.backend import get_namespace, to_numpy
from course.optim import SGD, run
from course.problems import Quadratic, ill_conditioned, rosenbrock, saddle
from course.secondorder import (
    OptimizeResult,
    bfgs,
    bfgs_inverse_update,
    conjugate_gradient,
    lbfgs,
    newton,
    nonlinear_cg,
    steepest_descent_exact,
)
from course.secondorder.quasinewton import _LBFGS


def arr(xp, values):
    return xp.asarray(np.asarray(values, dtype=np.float64), dtype=xp.float64)


def spd(n, eigenvalues, seed=0):
    """Q diag(eigenvalues) Qᵀ with a random orthogonal Q, exactly symmetric."""
    Q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((n, n)))
    A = (Q * np.asarray(eigenvalues, dtype=np.float64)) @ Q.T
    return (A + A.T) / 2


# -- steepest descent with exact line search (the graded exercise) -----------------


@pytest.mark.parametrize("b", [0.5, 0.1, 0.02])
def test_steepest_descent_exact_matches_the_closed_form(xp, b):
    problem = ill_conditioned(b, xp=xp)
    res = steepest_descent_exact(problem.A, arr(xp, [b, 1.0]), steps=25)
    rho = (b - 1) / (b + 1)
    k = np.arange(26)
    expected = np.stack([b * rho**k, (-rho) ** k], axis=1)
    assert res.path.shape == (26, 2) and res.nit == 25
    np.testing.assert_allclose(res.path, expected, rtol=1e-10, atol=1e-14)
    f0 = 0.5 * (b**2 + b)
    assert res.fun == pytest.approx(rho**50 * f0, rel=1e-8)
    np.testing.assert_allclose(to_numpy(res.x), expected[-1], rtol=1e-10)


@pytest.mark.parametrize("b", [0.5, 0.1, 0.02])
def test_steepest_descent_exact_gradients_are_orthogonal(b):
    A = np.diag([1.0, b])
    res = steepest_descent_exact(A, np.array([b, 1.0]), steps=20)
    g = res.path @ A
    cosines = np.sum(g[1:] * g[:-1], axis=1) / (np.linalg.norm(g[1:], axis=1) * np.linalg.norm(g[:-1], axis=1))
    assert np.max(np.abs(cosines)) < 1e-12


def test_steepest_descent_exact_stops_at_tol_and_at_the_minimum():
    A = np.diag([1.0, 0.1])
    res = steepest_descent_exact(A, np.array([0.1, 1.0]), steps=1000, tol=1e-6)
    assert res.converged and res.grad_norm <= 1e-6 and res.nit < 1000
    at_min = steepest_descent_exact(A, np.zeros(2), steps=5)
    assert at_min.converged and at_min.nit == 0 and at_min.path.shape == (1, 2)
    # On a multiple of I the first exact step lands on the minimiser.
    iso = steepest_descent_exact(2 * np.eye(2), np.array([3.0, -1.0]), steps=5)
    assert iso.converged and iso.nit == 1


def test_steepest_descent_exact_rejects_an_indefinite_matrix():
    with pytest.raises(ValueError, match="A is not positive definite along d"):
        steepest_descent_exact(np.diag([1.0, -1.0]), np.array([0.0, 1.0]), steps=3)
    with pytest.raises(ValueError, match=r"A must have shape \(2, 2\)"):
        steepest_descent_exact(np.eye(3), np.array([0.0, 1.0]), steps=3)


# -- linear conjugate gradient -------------------------------------------------------


def test_cg_solves_a_random_spd_system_in_at_most_n_iterations(xp):
    """Eigenvalues evenly spread over [1, 10³]. (With log-spaced ones, rounding destroys
    the conjugacy and CG needs about 2n iterations: finite precision, not a bug.)"""
    n = 50
    A_np = spd(n, np.linspace(1.0, 1e3, n), seed=1)
    b_np = np.random.default_rng(2).standard_normal(n)
    res = conjugate_gradient(arr(xp, A_np), arr(xp, b_np), tol=1e-10)
    x = to_numpy(res.x)
    assert res.converged and res.nit <= n
    assert np.linalg.norm(b_np - A_np @ x) <= 1e-10 * np.linalg.norm(b_np) * 1.5
    np.testing.assert_allclose(x, scipy.linalg.solve(A_np, b_np), rtol=1e-6)
    assert res.residual_norms.shape == (res.nit + 1,)
    assert res.residual_norms[0] == pytest.approx(np.linalg.norm(b_np))
    assert res.residual_norms[-1] <= 1e-10 * np.linalg.norm(b_np)
    assert res.path.shape == (res.nit + 1, n) and res.njev == res.nit
    assert res.fun == pytest.approx(0.5 * x @ A_np @ x - b_np @ x, rel=1e-10)


def test_cg_solves_a_2x2_system_in_exactly_2_iterations(xp):
    A, b = arr(xp, [[4.0, 1.0], [1.0, 3.0]]), arr(xp, [1.0, 2.0])
    res = conjugate_gradient(A, b, x0=arr(xp, [2.0, 1.0]))
    assert res.converged and res.nit == 2
    np.testing.assert_allclose(to_numpy(res.x), [1 / 11, 7 / 11], rtol=1e-12)
    assert res.njev == 3  # r₀ = b − Ax₀, then one product per iteration


@pytest.mark.parametrize("k", [1, 3, 5])
def test_cg_needs_k_iterations_for_k_distinct_eigenvalues(k):
    n = 40
    eigenvalues = np.resize(np.arange(1.0, k + 1), n)  # k distinct values, repeated
    A = spd(n, eigenvalues, seed=k)
    res = conjugate_gradient(A, np.random.default_rng(k).standard_normal(n))
    assert res.converged and res.nit == k


def test_cg_with_a_callable_gives_the_same_iterates(xp):
    n = 30
    A = arr(xp, spd(n, np.linspace(1.0, 50.0, n), seed=3))
    b = arr(xp, np.random.default_rng(4).standard_normal(n))
    as_array = conjugate_gradient(A, b)
    as_operator = conjugate_gradient(lambda v: A @ v, b)
    assert as_operator.nit == as_array.nit and as_operator.converged
    np.testing.assert_allclose(as_operator.path, as_array.path, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(as_operator.residual_norms, as_array.residual_norms, rtol=1e-12)


def test_cg_stops_at_maxiter_and_records_nothing_when_asked():
    A = spd(20, np.logspace(0, 4, 20), seed=5)
    res = conjugate_gradient(A, np.ones(20), maxiter=3, record_path=False)
    assert not res.converged and res.nit == 3 and res.path is None
    assert "maxiter = 3" in res.message and res.residual_norms.shape == (4,)


def test_cg_rejects_bad_matrices():
    b = np.ones(3)
    with pytest.raises(ValueError, match="A must be a square matrix"):
        conjugate_gradient(np.ones((3, 2)), b)
    with pytest.raises(ValueError, match=r"A must be symmetric"):
        conjugate_gradient(np.triu(np.ones((3, 3))) + 3 * np.eye(3), b)
    with pytest.raises(ValueError, match="A has shape"):
        conjugate_gradient(np.eye(4), b)
    with pytest.raises(ValueError, match=r"A is not positive definite: dᵀAd = .* ≤ 0 at iteration 0"):
        conjugate_gradient(np.diag([1.0, -2.0, 1.0]), np.array([0.0, 1.0, 0.0]))
    with pytest.raises(ValueError, match="A is not positive definite"):  # found later
        conjugate_gradient(np.diag([1.0, 2.0, -0.1]), b)
    with pytest.raises(ValueError, match=r"A\(v\) must return an array of shape \(3,\)"):
        conjugate_gradient(lambda v: v[:2], b)
    with pytest.raises(TypeError, match="A must be an array or a callable"):
        conjugate_gradient([[1.0]], np.ones(1))
    with pytest.raises(ValueError, match="x0 has shape"):
        conjugate_gradient(np.eye(3), b, x0=np.zeros(2))


# -- Newton's method -----------------------------------------------------------------


def test_newton_solves_a_quadratic_in_one_step(xp):
    q = Quadratic(arr(xp, spd(4, [1.0, 2.0, 5.0, 10.0])), arr(xp, [1.0, -1.0, 0.5, 2.0]))
    res = newton(q.value, q.grad, q.hessian, arr(xp, np.zeros(4)))
    assert res.converged and res.nit == 1 and res.nhev == 1
    np.testing.assert_allclose(to_numpy(res.x), q.minimizer, rtol=1e-12)


def test_newton_converges_quadratically_near_the_rosenbrock_minimum():
    res = newton(rosenbrock.value, rosenbrock.grad, rosenbrock.hessian, np.array([1.2, 1.3]), tol=1e-12)
    assert res.converged
    errors = np.linalg.norm(res.path - 1.0, axis=1)
    near = (errors[:-1] < 0.1) & (errors[:-1] > 1e-7)  # near x*, before rounding dominates
    assert near.sum() >= 3
    # e_{k+1} ≤ C e_k²: the error roughly squares each step (a linear rate would fail
    # this once e_k < 1/C) ...
    assert np.all(errors[1:][near] <= 5.0 * errors[:-1][near] ** 2)
    # ... and the number of correct digits nearly doubles.
    small = errors[:-1] < 1e-2
    assert np.all(np.log(errors[1:][small & near]) / np.log(errors[:-1][small & near]) > 1.8)
    np.testing.assert_allclose(res.x, [1.0, 1.0], atol=1e-12)


def test_newton_goes_to_the_saddle_where_gradient_descent_leaves_it():
    x0 = np.array([0.1, -0.05])
    res = newton(saddle.value, saddle.grad, saddle.hessian, x0)
    assert res.converged
    np.testing.assert_allclose(res.x, saddle.saddle_point, atol=1e-8)
    assert res.fun == pytest.approx(1.0)  # the saddle's value, not the minimum 0
    gd = run(SGD(lr=0.1), saddle, x0.copy(), steps=200)
    assert np.linalg.norm(gd.x) > 0.5 and gd.losses[-1] < 1e-3


def test_newton_damping_shortens_the_step():
    x0 = np.array([1.2, 1.3])
    plain = newton(rosenbrock.value, rosenbrock.grad, rosenbrock.hessian, x0, maxiter=1)
    damped = newton(rosenbrock.value, rosenbrock.grad, rosenbrock.hessian, x0, damping=100.0, maxiter=1)
    H, g = rosenbrock.hessian(x0), rosenbrock.grad(x0)
    np.testing.assert_allclose(damped.x, x0 - np.linalg.solve(H + 100 * np.eye(2), g), rtol=1e-12)
    assert np.linalg.norm(damped.x - x0) < np.linalg.norm(plain.x - x0)
    assert not plain.converged and "maxiter = 1" in plain.message


# -- BFGS ----------------------------------------------------------------------------


def test_bfgs_inverse_update_matches_the_formula_and_the_secant_condition(xp):
    rng = np.random.default_rng(6)
    H = spd(4, [0.5, 1.0, 2.0, 3.0], seed=6)
    s, y = rng.standard_normal(4), rng.standard_normal(4)
    y = y if y @ s > 0 else -y
    new = to_numpy(bfgs_inverse_update(arr(xp, H), arr(xp, s), arr(xp, y)))
    rho, eye = 1 / (y @ s), np.eye(4)
    expected = (eye - rho * np.outer(s, y)) @ H @ (eye - rho * np.outer(y, s)) + rho * np.outer(s, s)
    np.testing.assert_allclose(new, expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(new @ y, s, rtol=1e-12)  # H_{k+1} y = s
    assert np.all(np.linalg.eigvalsh(new) > 0)


def test_bfgs_inverse_update_skips_when_the_curvature_condition_fails():
    H = np.eye(3)
    s = np.array([1.0, 0.0, 0.0])
    assert bfgs_inverse_update(H, s, -s) is H
    assert bfgs_inverse_update(H, s, np.array([0.0, 1.0, 0.0])) is H  # yᵀs = 0


def rosenbrock_solvers():
    return {
        "bfgs": lambda f, g, x0, **kw: bfgs(f, g, x0, **kw),
        "lbfgs": lambda f, g, x0, **kw: lbfgs(f, g, x0, **kw),
        "cg_pr+": lambda f, g, x0, **kw: nonlinear_cg(f, g, x0, beta="PR+", **kw),
    }


@pytest.mark.parametrize("name", list(rosenbrock_solvers()))
def test_solvers_minimise_rosenbrock(xp, name):
    solver = rosenbrock_solvers()[name]
    x0 = arr(xp, [-1.2, 1.0])
    res = solver(rosenbrock.value, rosenbrock.grad, x0, tol=1e-6)
    assert res.converged, res.message
    assert type(res.x) is type(x0)
    np.testing.assert_allclose(to_numpy(res.x), [1.0, 1.0], atol=1e-5)
    assert res.grad_norm < 1e-6
    assert res.grad_norm == pytest.approx(np.linalg.norm(to_numpy(rosenbrock.grad(res.x))))
    assert res.path.shape == (res.nit + 1, 2)
    np.testing.assert_array_equal(res.path[0], [-1.2, 1.0])
    np.testing.assert_array_equal(res.path[-1], to_numpy(res.x))
    assert res.nfev < 200 and res.njev <= res.nfev


@pytest.mark.parametrize("name", ["bfgs", "lbfgs"])
def test_quasi_newton_methods_follow_scipy_on_rosenbrock(name):
    """With the Moré–Thuente line search (f and ∇f at every trial), H₀ = I and scipy's
    first trial step, bfgs retraces scipy's BFGS; lbfgs with H₀ = γI and α₀ = 1 retraces
    L-BFGS-B (m = 10): no more evaluations (the same, with scipy 1.17) and the same
    minimiser from (−1.2, 1)."""
    x0 = np.array([-1.2, 1.0])
    ours = rosenbrock_solvers()[name](rosen, rosen_der, x0, tol=1e-6)
    method, options = {"bfgs": ("BFGS", {"norm": 2}), "lbfgs": ("L-BFGS-B", {"ftol": 0.0})}[name]
    ref = scipy_minimize(rosen, x0, jac=rosen_der, method=method, options={"gtol": 1e-6, **options})
    assert ours.converged and ours.nfev == ours.njev
    assert ours.nfev <= ref.nfev and ours.njev <= ref.njev, ((ours.nfev, ours.njev), (ref.nfev, ref.njev))
    np.testing.assert_allclose(ours.x, ref.x, atol=1e-6)


def test_lbfgs_two_loop_recursion_applies_the_bfgs_matrix(xp):
    """With m ≥ the number of pairs, the two-loop direction is −H g for the H built by
    BFGS updates of γI (γ = sᵀy/yᵀy of the newest pair); m = 1 forgets the older pairs."""
    rng = np.random.default_rng(9)
    pairs = []
    for _ in range(4):
        s, y = rng.standard_normal(5), rng.standard_normal(5)
        pairs.append((s, y if y @ s > 0 else -y))
    g = rng.standard_normal(5)
    s_last, y_last = pairs[-1]
    for m, used in [(10, pairs), (1, pairs[-1:])]:
        rule = _LBFGS(m, get_namespace(arr(xp, g)))
        for s, y in pairs:
            rule.update(arr(xp, s), arr(xp, y))
        H = (s_last @ y_last) / (y_last @ y_last) * np.eye(5)
        for s, y in used:
            H = bfgs_inverse_update(H, s, y)
        np.testing.assert_allclose(to_numpy(rule.direction(arr(xp, g))), -H @ g, rtol=1e-10)


@pytest.mark.parametrize("beta", ["PR", "PR+", "FR"])
def test_nonlinear_cg_minimises_a_quadratic_with_every_beta(xp, beta):
    q = Quadratic(arr(xp, spd(6, np.linspace(1.0, 20.0, 6), seed=8)), arr(xp, np.ones(6)))
    res = nonlinear_cg(q.value, q.grad, arr(xp, np.zeros(6)), beta=beta, tol=1e-8)
    assert res.converged
    np.testing.assert_allclose(to_numpy(res.x), q.minimizer, rtol=1e-6)


def test_nonlinear_cg_restart_every_step_is_steepest_descent():
    x0 = np.array([-1.2, 1.0])
    res = nonlinear_cg(rosenbrock.value, rosenbrock.grad, x0, restart=1, maxiter=10)
    steps, grads = np.diff(res.path, axis=0), np.array([rosenbrock.grad(p) for p in res.path[:-1]])
    cross = steps[:, 0] * grads[:, 1] - steps[:, 1] * grads[:, 0]  # s ∥ −g
    np.testing.assert_allclose(cross, 0.0, atol=1e-12 * np.max(np.abs(grads)))
    assert np.all(np.sum(steps * grads, axis=1) < 0)
    plain = nonlinear_cg(rosenbrock.value, rosenbrock.grad, x0, maxiter=10)
    assert not np.allclose(plain.path, res.path)


def test_every_solver_returns_the_same_result_type():
    x0 = np.array([-1.2, 1.0])
    f, g, h = rosenbrock.value, rosenbrock.grad, rosenbrock.hessian
    results = [
        newton(f, g, h, x0), steepest_descent_exact(np.diag([1.0, 0.1]), x0, 3),
        conjugate_gradient(np.diag([1.0, 0.1]), x0), nonlinear_cg(f, g, x0), bfgs(f, g, x0), lbfgs(f, g, x0),
    ]
    fields = {field.name for field in dataclasses.fields(OptimizeResult)}
    for res in results:
        assert isinstance(res, OptimizeResult) and set(vars(res)) == fields
        assert isinstance(res.path, np.ndarray) and res.path.shape == (res.nit + 1, 2)
        assert isinstance(res.fun, float) and isinstance(res.grad_norm, float)


# -- bad input -----------------------------------------------------------------------


SOLVERS = {
    "newton": lambda f, g, x0: newton(f, g, rosenbrock.hessian, x0),
    "nonlinear_cg": nonlinear_cg,
    "bfgs": bfgs,
    "lbfgs": lbfgs,
}


@pytest.mark.parametrize("name", list(SOLVERS))
def test_solvers_reject_bad_input(name):
    solver = SOLVERS[name]
    f, g = rosenbrock.value, rosenbrock.grad
    with pytest.raises(ValueError, match=r"x0 must be a non-empty 1-D array, got shape \(1, 2\)"):
        solver(f, g, np.array([[-1.2, 1.0]]))
    with pytest.raises(ValueError, match="x0 contains non-finite"):
        solver(f, g, np.array([np.nan, 1.0]))
    with pytest.raises(ValueError, match="must be a 1-D array of length 2"):
        solver(f, g, np.zeros(3))  # the objective's own check
    with pytest.raises(ValueError, match=r"grad\(x0\) contains non-finite"):
        solver(f, lambda x: np.array([np.nan, 0.0]), np.array([-1.2, 1.0]))
    with pytest.raises(ValueError, match=r"grad\(x0\) has shape \(3,\)"):
        solver(f, lambda x: np.zeros(3), np.array([-1.2, 1.0]))
    with pytest.raises(ValueError, match=r"f\(x0?\) is not finite"):
        solver(lambda x: float("inf"), g, np.array([-1.2, 1.0]))


def test_newton_rejects_a_bad_hessian_and_nonlinear_cg_a_bad_beta():
    x0 = np.array([-1.2, 1.0])
    f, g = rosenbrock.value, rosenbrock.grad
    with pytest.raises(ValueError, match=r"hess\(x\) must have shape \(2, 2\)"):
        newton(f, g, lambda x: np.eye(3), x0)
    with pytest.raises(ValueError, match=r"hess\(x\) contains non-finite"):
        newton(f, g, lambda x: np.full((2, 2), np.inf), x0)
    with pytest.raises(ValueError, match="damping must be non-negative"):
        newton(f, g, rosenbrock.hessian, x0, damping=-1.0)
    with pytest.raises(ValueError, match="beta must be one of 'PR', 'PR\\+', 'FR', got 'HS'"):
        nonlinear_cg(f, g, x0, beta="HS")
    with pytest.raises(ValueError, match="restart must be >= 1"):
        nonlinear_cg(f, g, x0, restart=0)


# -- the benchmark runs (no timing claims) --------------------------------------------


def test_benchmark_smoke_run_reports_every_method():
    import importlib.util
    import io
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "bench" / "secondorder_bench.py"
    spec = importlib.util.spec_from_file_location("secondorder_bench", path)
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    try:
        spec.loader.exec_module(bench)
        out = io.StringIO()
        rows, cg = bench.main(["--repeats", "1"], sizes=(2,), cg_n=200, out=out)
    finally:
        del sys.modules[spec.name]
    assert [r.scipy_method for r in rows] == ["BFGS", "L-BFGS-B", "CG"]
    assert all(r.nfev > 0 and r.njev > 0 and r.minimum == "global" for r in rows)
    assert all(r.meets_goal for r in rows)  # no more evaluations than scipy at n = 2
    assert cg.iterations == cg.scipy_iterations and cg.ratio > 0
    assert "| nonlinear_cg PR+ | CG | 2 |" in out.getvalue()
