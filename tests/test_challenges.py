"""Tests for course.challenges (lectures 01 and 02), on every array library of the ``xp`` fixture."""

from __future__ import annotations

import numpy as np
import pytest

from course.backend import to_numpy
from course.challenges import (
    Cliff,
    descend,
    early_stopping_step,
    eigen_factors,
    hessian_eigs,
    minibatch_gradient,
    power_norms,
    sigmoid,
    step_increases_cost,
)
from course.gradcheck import numerical_gradient
from course.problems import logistic_regression, saddle


def arr(xp, values):
    return xp.asarray(np.asarray(values, dtype=np.float64), dtype=xp.float64)


# --- Lecture 01 ---------------------------------------------------------------------


def test_sigmoid_is_stable_and_symmetric(xp):
    z = arr(xp, [-800.0, -2.0, 0.0, 2.0, 800.0])
    s = to_numpy(sigmoid(z))
    assert np.all(np.isfinite(s))
    np.testing.assert_allclose(s, [0.0, 1 / (1 + np.exp(2)), 0.5, 1 / (1 + np.exp(-2)), 1.0])


def test_minibatch_gradient_matches_the_problem_without_penalty(xp):
    problem = logistic_regression(n_samples=40, n_features=3, seed=2, l2=0.0, xp=xp)
    theta = arr(xp, [0.3, -0.2, 0.5, 0.1])
    idx = np.array([5, 1, 17, 33, 2])
    got = minibatch_gradient(problem.X, problem.y, theta, idx)
    np.testing.assert_allclose(to_numpy(got), to_numpy(problem.minibatch_grad(theta, idx)), rtol=1e-12)


def test_minibatch_gradient_over_all_rows_is_the_full_gradient(xp):
    problem = logistic_regression(n_samples=30, n_features=2, seed=1, l2=0.0, xp=xp)
    theta = arr(xp, [0.5, -1.0, 0.2])
    got = minibatch_gradient(problem.X, problem.y, theta, np.arange(30))
    numeric = numerical_gradient(problem.value, theta)
    np.testing.assert_allclose(to_numpy(got), to_numpy(numeric), atol=1e-7)


def test_minibatch_gradient_keeps_float32(xp):
    X = xp.asarray(np.ones((4, 2)), dtype=xp.float32)
    y = xp.asarray(np.array([0.0, 1.0, 1.0, 0.0]), dtype=xp.float32)
    g = minibatch_gradient(X, y, xp.zeros(2, dtype=xp.float32), np.array([0, 1]))
    assert g.dtype == xp.float32


@pytest.mark.parametrize("losses, patience, expected", [
    ([1.0], 1, (False, 0)),
    ([1.0, 0.9, 0.8], 1, (False, 2)),
    ([1.0, 0.9, 0.95], 1, (True, 1)),
    ([1.0, 0.9, 0.95, 0.97], 3, (False, 1)),
    ([1.0, 0.9, 0.95, 0.97, 0.91], 3, (True, 1)),
    ([1.0, 0.9, 0.9, 0.9], 2, (True, 1)),      # equal is no improvement
    ([1.0, 0.9, 1.2, 0.85, 0.86], 2, (False, 3)),  # the counter restarts at a new best
])
def test_early_stopping_step(losses, patience, expected):
    assert early_stopping_step(losses, patience) == expected


def test_early_stopping_step_rejects_bad_input():
    with pytest.raises(ValueError):
        early_stopping_step([], 2)
    with pytest.raises(ValueError):
        early_stopping_step([1.0], 0)


# --- Lecture 02 ---------------------------------------------------------------------


def test_step_increases_cost_beyond_twice_the_best_step(xp):
    g, H = arr(xp, [1.0, 2.0]), arr(xp, [[2.0, 0.0], [0.0, 1.0]])
    best = 5.0 / 6.0  # ε* = gᵀg / gᵀHg = 5 / 6
    assert not step_increases_cost(g, H, best)
    assert not step_increases_cost(g, H, 1.99 * best)
    assert step_increases_cost(g, H, 2.01 * best)


def test_step_increases_cost_agrees_with_the_quadratic(xp):
    rng = np.random.default_rng(3)
    M = rng.standard_normal((3, 3))
    A = M @ M.T + 0.1 * np.eye(3)
    theta, H = rng.standard_normal(3), arr(xp, A)
    f = lambda t: 0.5 * t @ A @ t
    g = A @ theta
    for eps in np.geomspace(1e-3, 10, 30):
        assert step_increases_cost(arr(xp, g), H, float(eps)) == (f(theta - eps * g) > f(theta))


def test_step_never_increases_cost_on_negative_curvature(xp):
    g, H = arr(xp, [1.0, 1.0]), arr(xp, [[0.0, -2.0], [-2.0, 0.0]])
    assert not any(step_increases_cost(g, H, eps) for eps in (0.01, 1.0, 100.0))


def test_hessian_eigs_at_the_saddle(xp):
    lam, U = hessian_eigs(0.0, 0.0, xp=xp)
    np.testing.assert_allclose(to_numpy(lam), [-2.0, 2.0], atol=1e-12)
    np.testing.assert_allclose(to_numpy(U), np.array([[1.0, 1.0], [1.0, -1.0]]) / np.sqrt(2), atol=1e-12)


@pytest.mark.parametrize("w", [(0.3, -1.2), (1.0, 1.0), (-0.5, 0.0), (2.0, 0.25)])
def test_hessian_eigs_are_eigenpairs_of_the_saddle_hessian(xp, w):
    lam, U = (to_numpy(a) for a in hessian_eigs(*w, xp=xp))
    H = to_numpy(saddle.hessian(np.array(w)))
    np.testing.assert_allclose(lam, np.linalg.eigvalsh(H), atol=1e-12)
    np.testing.assert_allclose(H @ U, U * lam, atol=1e-12)
    np.testing.assert_allclose(U.T @ U, np.eye(2), atol=1e-12)
    first = np.where(np.abs(U[0]) > 1e-12, U[0], U[1])
    assert np.all(first > 0)


def test_eigen_factors(xp):
    factors = to_numpy(eigen_factors(arr(xp, [0.2, 4.0]), 0.3, 4))
    np.testing.assert_allclose(factors, np.array([[0.94, -0.2]]) ** np.arange(5)[:, None])


def test_power_norms_follow_the_spectral_radius(xp):
    V = np.array([[1.0, 1.0], [0.0, 1.0]])
    W = V @ np.diag([0.9, 0.5]) @ np.linalg.inv(V)
    norms = to_numpy(power_norms(arr(xp, W), arr(xp, [1.0, 2.0]), 40))
    assert norms.shape == (41,)
    np.testing.assert_allclose(norms[0], np.sqrt(5))
    np.testing.assert_allclose(norms[40] / norms[39], 0.9, rtol=1e-3)


def test_cliff_gradient_is_the_derivative(xp):
    cliff = Cliff()
    w = arr(xp, [-3.0, -0.05, 0.0, 0.02, 1.5])
    h = 1e-6
    numeric = (to_numpy(cliff.value(w + h)) - to_numpy(cliff.value(w - h))) / (2 * h)
    np.testing.assert_allclose(to_numpy(cliff.grad(w)), numeric, rtol=1e-5, atol=1e-6)


def test_clipping_tames_the_cliff(xp):
    cliff, w0 = Cliff(), arr(xp, [3.0])
    plain = to_numpy(descend(cliff, w0, 0.5, 60))
    clipped = to_numpy(descend(cliff, w0, 0.5, 60, max_norm=1.0))
    assert plain.shape == clipped.shape == (61, 1)
    assert np.max(np.abs(np.diff(clipped[:, 0]))) <= 0.5 + 1e-12
    assert np.max(np.abs(np.diff(plain[:, 0]))) > 10  # catapulted off the cliff
    np.testing.assert_allclose(clipped[-1], plain[-1], atol=1e-2)  # both end in the bowl
