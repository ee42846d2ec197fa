"""Tests for course.challenges (lectures 01 and 02), on every array library of the ``xp`` fixture."""

from __future__ import annotations

import numpy as np
import pytest

from course.backend import to_numpy
from course.challenges import (
    Cliff,
    batch_size_for_error,
    descend,
    early_stopping_step,
    eigen_factors,
    hessian_eigs,
    largest_stable_lr,
    minibatch_gradient,
    power_norms,
    product_norms,
    saddle_descent,
    sigmoid,
    step_increases_cost,
    weight_space_symmetry,
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


@pytest.mark.parametrize("sigma, error, m", [
    (1.0, 0.1, 100),     # exactly (σ/error)² = 100: σ/√100 = error is enough
    (0.3, 0.1, 9),       # (0.3/0.1)² rounds to 8.999… in floating point
    (0.7, 0.1, 49),
    (2.0, 0.3, 45),      # 44.4… rounded up
    (1.0, 1.0, 1),
    (1.0, 5.0, 1),       # a single example is already precise enough
])
def test_batch_size_for_error_is_the_smallest_sufficient_batch(sigma, error, m):
    assert batch_size_for_error(sigma, error) == m
    assert sigma / np.sqrt(m) <= error * (1 + 1e-12)
    assert m == 1 or sigma / np.sqrt(m - 1) > error


def test_batch_size_for_error_rejects_bad_input():
    with pytest.raises(ValueError, match="error must be positive"):
        batch_size_for_error(1.0, 0.0)
    with pytest.raises(ValueError, match="sigma must be positive"):
        batch_size_for_error(-1.0, 0.1)


# --- Lecture 02 ---------------------------------------------------------------------


def test_largest_stable_lr_is_where_gradient_descent_stops_converging(xp):
    rng = np.random.default_rng(4)
    Q, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    A = Q @ np.diag([0.3, 1.0, 4.0]) @ Q.T
    limit = largest_stable_lr(arr(xp, A))
    assert limit == pytest.approx(0.5, rel=1e-12)
    theta0 = rng.standard_normal(3)

    def final_norm(eps: float) -> float:
        theta = theta0
        for _ in range(2000):
            theta = theta - eps * A @ theta
        return float(np.linalg.norm(theta))

    assert final_norm(0.99 * limit) < 1e-3 * np.linalg.norm(theta0)
    assert final_norm(1.01 * limit) > 1e3 * np.linalg.norm(theta0)


def test_largest_stable_lr_needs_a_positive_definite_square_matrix(xp):
    with pytest.raises(ValueError, match="positive definite"):
        largest_stable_lr(arr(xp, [[0.0, -2.0], [-2.0, 0.0]]))
    with pytest.raises(ValueError, match="square"):
        largest_stable_lr(arr(xp, [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]))


def test_weight_space_symmetry_gives_equal_separated_minima_and_a_curve_of_minima():
    profiles = weight_space_symmetry(hidden=6, steps=200, points=21)
    assert profiles.loss == pytest.approx(profiles.permuted_loss, rel=1e-12)
    assert profiles.segment[0] == profiles.loss and profiles.segment[-1] == profiles.permuted_loss
    assert profiles.distance > 0.5 * profiles.norm  # far apart
    assert profiles.segment.max() > 2 * profiles.loss  # a barrier between them
    np.testing.assert_allclose(profiles.rescaled, profiles.loss, rtol=1e-10)  # the same function for every α
    slope = np.polyfit(np.log(profiles.alpha), np.log(profiles.curvature), 1)[0]
    assert slope == pytest.approx(-2.0, abs=0.05)  # curvature along the incoming weights ∝ 1/α²
    assert profiles.hidden == 6


def test_saddle_descent_stays_on_the_stable_manifold_without_noise(xp):
    path = to_numpy(saddle_descent(arr(xp, [1.5, -1.5]), 0.1, 300))
    assert path.shape == (301, 2)
    np.testing.assert_array_equal(path[:, 0], -path[:, 1])
    assert np.linalg.norm(path[-1]) < 1e-20  # converged to the saddle (0, 0)


def test_saddle_descent_escapes_off_the_manifold_and_noise_is_reproducible(xp):
    start = arr(xp, [1.5 + 1e-6, -1.5 + 1e-6])
    path = to_numpy(saddle_descent(start, 0.1, 300))
    assert abs(path[-1, 0] * path[-1, 1] - 1) < 1e-8  # reached the minima w₁w₂ = 1
    noisy = [to_numpy(saddle_descent(arr(xp, [1.5, -1.5]), 0.1, 50, noise=1e-3, seed=s)) for s in (0, 0, 1)]
    np.testing.assert_array_equal(noisy[0], noisy[1])
    assert not np.array_equal(noisy[0], noisy[2])
    gradient = to_numpy(saddle.grad(arr(xp, [1.5, -1.5])))
    kick = (np.array([1.5, -1.5]) - noisy[0][1]) / 0.1 - gradient  # the first step's noise: seed 0's first draw
    np.testing.assert_allclose(kick, 1e-3 * np.random.default_rng(0).standard_normal((50, 2))[0], rtol=1e-6)


def test_product_norms_of_one_repeated_matrix_are_power_norms(xp):
    W, v = arr(xp, [[0.5, 0.3], [-0.2, 1.1]]), arr(xp, [1.0, -2.0])
    np.testing.assert_allclose(to_numpy(product_norms([W] * 12, v)), to_numpy(power_norms(W, v, 12)), rtol=1e-12)


def test_product_norms_multiply_in_order(xp):
    A, B = np.array([[2.0, 0.0], [0.0, 0.5]]), np.array([[0.0, 1.0], [1.0, 0.0]])
    norms = to_numpy(product_norms([arr(xp, A), arr(xp, B), arr(xp, A)], arr(xp, [1.0, 0.0])))
    np.testing.assert_allclose(norms, [1.0, 2.0, 2.0, 1.0])  # e₁ → 2e₁ → 2e₂ → e₂


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
