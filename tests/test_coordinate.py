"""Coordinate descent on the coupled quadratic, block coordinate descent for sparse coding,
and averaged iterates."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from course.backend import to_numpy
from course.coordinate import averaged_iterates, coordinate_descent, sparse_coding, sparse_coding_objective
from course.optim import SGD, polyak_average, run
from course.problems import Quadratic, coupled_quadratic, ill_conditioned


def f_coupled(x, alpha):
    return (x[0] - x[1]) ** 2 + alpha * (x[0] ** 2 + x[1] ** 2)


def test_each_coordinate_step_is_the_exact_minimiser(xp):
    alpha = 0.3
    path = to_numpy(coordinate_descent(coupled_quadratic(alpha, xp=xp), xp.asarray([1.5, -2.0]), 4))
    assert path.shape == (9, 2)
    for k in range(1, path.shape[0]):
        i = (k - 1) % 2  # x₁, x₂, x₁, …
        np.testing.assert_array_equal(path[k, 1 - i], path[k - 1, 1 - i])  # the other one stays
        line = lambda t: f_coupled(np.where(np.arange(2) == i, t, path[k - 1]), alpha)  # noqa: E731
        best = minimize_scalar(line, bracket=(-3.0, 3.0), tol=1e-12).x
        assert path[k, i] == pytest.approx(best, abs=1e-7)
        assert path[k, i] == pytest.approx(path[k - 1, 1 - i] / (1 + alpha), rel=1e-14)  # closed form


def test_staircase_converges_to_zero_slowly_for_small_alpha(xp):
    def sweeps_to_reach(alpha, sweeps, tol=1e-3):
        path = to_numpy(coordinate_descent(coupled_quadratic(alpha, xp=xp), xp.asarray([1.0, 1.0]), sweeps))
        norms = np.linalg.norm(path[::2], axis=1)  # after each sweep
        np.testing.assert_allclose(norms[2:] / norms[1:-1], 1 / (1 + alpha) ** 2, rtol=1e-10)
        return int(np.argmax(norms < tol))

    fast, slow = sweeps_to_reach(1.0, 20), sweeps_to_reach(0.01, 800)
    assert 0 < fast <= 6
    assert slow > 300  # about ln(1000)/(2α) sweeps
    path = to_numpy(coordinate_descent(coupled_quadratic(0.5, xp=xp), xp.asarray([3.0, -1.0]), 60))
    assert np.max(np.abs(path[-1])) < 1e-15


def test_coordinate_descent_solves_a_general_quadratic(xp):
    rng = np.random.default_rng(0)
    B = rng.standard_normal((4, 4))
    A, b = B @ B.T + 4 * np.eye(4), rng.standard_normal(4)
    problem = Quadratic(xp.asarray(A), xp.asarray(b))
    path = coordinate_descent(problem, xp.zeros(4, dtype=xp.float64), 100)
    np.testing.assert_allclose(to_numpy(path[-1, :]), np.linalg.solve(A, b), rtol=1e-10)
    values = [float(problem.value(path[k, :])) for k in range(path.shape[0])]
    assert np.all(np.diff(values) <= 1e-12)  # every exact coordinate step goes downhill


def sparse_data(xp, k=5, p=8, n=40, seed=0):
    rng = np.random.default_rng(seed)
    codes = rng.standard_normal((k, n)) * (rng.random((k, n)) < 0.3)
    X = rng.standard_normal((k, p)).T @ codes + 0.05 * rng.standard_normal((p, n))
    return xp.asarray(X), xp.asarray(rng.standard_normal((k, p)))


def test_sparse_coding_objective_decreases_monotonically(xp):
    X, W0 = sparse_data(xp)
    result = sparse_coding(X, W0, lam=0.5, sweeps=30)
    J = to_numpy(result.objective)
    assert J.shape == (31,)
    assert J[0] == pytest.approx(float(np.sum(to_numpy(X) ** 2)))  # H starts at 0
    assert np.all(np.diff(J) <= 1e-12 * J[:-1])
    assert J[-1] < 0.1 * J[0]
    assert float(sparse_coding_objective(X, result.H, result.W, 0.5)) == pytest.approx(J[-1], rel=1e-12)
    # the W block is the least-squares minimiser: ∂J/∂W = −2 H (X − WᵀH)ᵀ = 0
    H, W = to_numpy(result.H), to_numpy(result.W)
    grad_W = -2 * H @ (to_numpy(X) - W.T @ H).T
    assert np.max(np.abs(grad_W)) < 1e-9 * J[-1]


def test_code_update_is_the_exact_lasso_minimiser(xp):
    # with one atom the rows of H are one block, so one pass minimizes J over H exactly:
    # the subgradient conditions 2 wᵀ(x_j − w h_j) = λ sign h_j (h_j ≠ 0), |2 wᵀx_j| ≤ λ (h_j = 0)
    X, W0 = sparse_data(xp, k=1)
    w, Xn = to_numpy(W0)[0], to_numpy(X)
    lam = float(np.median(np.abs(2 * w @ Xn)))  # about half of the codes are 0
    H = to_numpy(sparse_coding(X, W0, lam=lam, sweeps=1).H)[0]
    corr = 2 * w @ (Xn - np.outer(w, H))
    assert 0 < np.count_nonzero(H) < H.size
    np.testing.assert_allclose(corr[H != 0], lam * np.sign(H[H != 0]), rtol=1e-10)
    assert np.all(np.abs(2 * w @ Xn[:, H == 0]) <= lam)


def test_larger_lambda_gives_sparser_codes(xp):
    X, W0 = sparse_data(xp)
    zeros = [np.mean(to_numpy(sparse_coding(X, W0, lam=lam, sweeps=10).H) == 0) for lam in (0.1, 2.0, 20.0)]
    assert zeros[0] < zeros[1] < zeros[2]


def test_averaged_iterates_reuse_polyak_and_ema(xp):
    rng = np.random.default_rng(1)
    thetas = rng.standard_normal((12, 3))
    polyak, moving = averaged_iterates(xp.asarray(thetas), 0.8)
    np.testing.assert_allclose(to_numpy(polyak), np.cumsum(thetas, axis=0) / np.arange(1, 13)[:, None], rtol=1e-12)
    last = polyak_average([xp.asarray(t) for t in thetas])
    np.testing.assert_allclose(to_numpy(polyak[-1, :]), to_numpy(last), rtol=1e-12)
    expected = thetas[0]
    for t in thetas[1:]:
        expected = 0.8 * expected + 0.2 * t
    np.testing.assert_allclose(to_numpy(moving[-1, :]), expected, rtol=1e-12)


def test_averaging_a_bouncing_gradient_descent_lands_near_the_bottom():
    problem = ill_conditioned(0.05, xp=np)
    trajectory = run(SGD(1.99), problem, np.array([1.0, 0.2]), 100)  # lr just under 2/λ_max = 2
    polyak, moving = averaged_iterates(trajectory.iterates, 0.9)
    assert abs(trajectory.x[0]) > 0.1  # the iterates still bounce across the valley
    assert np.linalg.norm(polyak[-1]) < 0.1 * np.linalg.norm(trajectory.x)
    assert np.linalg.norm(moving[-1]) < 0.2 * np.linalg.norm(trajectory.x)


def test_bad_input_is_refused_with_the_reason(xp):
    problem = coupled_quadratic(0.1, xp=xp)
    with pytest.raises(ValueError, match="x0 must be a 1-D .* array of length 2"):
        coordinate_descent(problem, xp.zeros(3, dtype=xp.float64), 2)
    with pytest.raises(TypeError, match="problem must be a course.problems.Quadratic"):
        coordinate_descent("quadratic", xp.zeros(2, dtype=xp.float64), 2)
    flat = Quadratic(xp.asarray([[0.0, 1.0], [1.0, 0.0]]))
    with pytest.raises(ValueError, match="positive diagonal"):
        coordinate_descent(flat, xp.zeros(2, dtype=xp.float64), 2)
    X, W0 = sparse_data(xp)
    with pytest.raises(ValueError, match=r"W must have shape \(k, 8\)"):
        sparse_coding(X, W0[:, :3], 1.0, 2)
    with pytest.raises(ValueError, match="lam must be non-negative"):
        sparse_coding(X, W0, -1.0, 2)
    with pytest.raises(ValueError, match="alpha must lie in"):
        averaged_iterates(X, 1.0)
