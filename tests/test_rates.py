"""Tests for course.optim.rates: the rate theory of momentum on a quadratic (lecture 04)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course.optim import (
    Momentum, Nesterov, SGD, largest_stable_momentum_lr, momentum_matrix, momentum_rate, momentum_step,
    optimal_gradient_descent, optimal_momentum, run, stationary_loss, terminal_velocity,
)
from course.problems import Quadratic

GRID = [(lam, lr, alpha) for lam in (0.0, 0.3, 1.0, 7.5) for lr in (0.01, 0.2, 0.9, 3.0)
        for alpha in (0.0, 0.1, 0.5, 0.9, 0.99)]


def spectral_radius(M: np.ndarray) -> float:
    return float(np.max(np.abs(np.linalg.eigvals(M))))


def test_the_matrix_is_one_step_of_momentum_and_of_nesterov():
    lam, lr, alpha = 2.5, 0.3, 0.7
    theta, v = np.array([1.5]), np.array([-0.4])
    new_theta, new_v = momentum_step(theta, v, lam * theta, lr, alpha)
    np.testing.assert_allclose(momentum_matrix(lam, lr, alpha) @ [1.5, -0.4], [new_theta[0], new_v[0]])
    look_ahead = theta + alpha * v
    new_v = alpha * v - lr * lam * look_ahead
    np.testing.assert_allclose(momentum_matrix(lam, lr, alpha, nesterov=True) @ [1.5, -0.4],
                               [(theta + new_v)[0], new_v[0]])


@pytest.mark.parametrize("lam, lr, alpha", GRID)
def test_the_rate_is_the_spectral_radius(lam, lr, alpha):
    assert momentum_rate(lam, lr, alpha) == pytest.approx(spectral_radius(momentum_matrix(lam, lr, alpha)),
                                                          rel=1e-7, abs=1e-12)


def test_the_rate_is_the_speed_of_a_run():
    lam, lr, alpha = 4.0, 0.1, 0.1  # overdamped (ελ = 0.4 < (1 − √α)² = 0.47): no oscillation
    theta, v = np.array([1.0]), np.array([0.0])
    sizes = []
    for _ in range(60):
        theta, v = momentum_step(theta, v, lam * theta, lr, alpha)
        sizes.append(abs(float(theta[0])))
    measured = (sizes[-1] / sizes[29]) ** (1 / 30)
    assert measured == pytest.approx(momentum_rate(lam, lr, alpha), rel=1e-6)


def test_rates_in_each_regime():
    alpha = 0.25  # √α = 0.5: complex roots for 0.25 < ελ < 2.25
    assert momentum_rate(1.0, 1.0, alpha) == pytest.approx(0.5)            # complex: √α
    assert momentum_rate(1.0, 0.25, alpha) == pytest.approx(0.5)           # critical damping, z = +½
    assert momentum_rate(1.0, 2.25, alpha) == pytest.approx(0.5)           # critical damping, z = −½
    assert momentum_rate(1.0, 0.1, alpha) > 0.5                            # overdamped
    assert momentum_rate(1.0, 2.4, alpha) > 0.5                            # overstepping
    assert momentum_rate(1.0, 2.5, alpha) == pytest.approx(1.0)            # the stability limit
    assert momentum_rate(2.0, 0.3, 0.0) == pytest.approx(abs(1 - 0.6))     # gradient descent
    assert momentum_rate(0.0, 0.3, 0.5) == pytest.approx(1.0)              # no curvature: no progress


@pytest.mark.parametrize("alpha", [0.0, 0.2, 0.5, 0.9, 0.99])
@pytest.mark.parametrize("lam", [0.5, 4.0])
def test_the_largest_stable_rate_is_where_the_rate_reaches_one(lam, alpha):
    limit = largest_stable_momentum_lr(lam, alpha)
    assert limit == pytest.approx(2 * (1 + alpha) / lam)
    assert momentum_rate(lam, limit * (1 - 1e-6), alpha) < 1
    assert momentum_rate(lam, limit * (1 + 1e-6), alpha) > 1
    for lr in np.linspace(0.001, 0.999, 50) * limit:
        assert momentum_rate(lam, float(lr), alpha) < 1


@pytest.mark.parametrize("lam_min, lam_max", [(0.2, 4.0), (1.0, 100.0), (0.01, 50.0), (3.0, 3.0)])
def test_optimal_momentum_beats_every_other_setting(lam_min, lam_max):
    lr, alpha = optimal_momentum(lam_min, lam_max)
    kappa = lam_max / lam_min
    best = (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)
    assert alpha == pytest.approx(best**2, abs=1e-15)
    assert lr == pytest.approx(4 / (math.sqrt(lam_max) + math.sqrt(lam_min)) ** 2)
    curvatures = np.linspace(lam_min, lam_max, 101)
    worst = max(momentum_rate(float(lam), lr, alpha) for lam in curvatures)
    assert worst == pytest.approx(best, abs=1e-6)  # every curvature reaches √α* (within the double roots' rounding)
    for other_lr in np.linspace(0.02, 2.0, 40) * lr:
        for other_alpha in np.linspace(0.0, 0.99, 34):
            rates = [momentum_rate(lam, float(other_lr), float(other_alpha)) for lam in (lam_min, lam_max)]
            assert max(rates) >= best - 1e-9


def test_momentum_is_root_kappa_faster_than_gradient_descent():
    for kappa in (10.0, 100.0, 1e4):
        gd_lr, gd_rate = optimal_gradient_descent(1.0, kappa)
        assert gd_lr == pytest.approx(2 / (1 + kappa)) and gd_rate == pytest.approx((kappa - 1) / (kappa + 1))
        assert max(abs(1 - gd_lr), abs(1 - gd_lr * kappa)) == pytest.approx(gd_rate)
        lr, alpha = optimal_momentum(1.0, kappa)
        gd_steps, momentum_steps = 1 / -math.log(gd_rate), 1 / -math.log(math.sqrt(alpha))
        assert gd_steps / momentum_steps == pytest.approx(math.sqrt(kappa), rel=0.1)


def test_a_run_at_the_optimum_converges_at_the_optimal_rate():
    problem = Quadratic(np.diag(np.geomspace(0.5, 50.0, 20)))
    lr, alpha = optimal_momentum(0.5, 50.0)
    trajectory = run(Momentum(lr, alpha), problem, np.ones(20), 400)
    distance = np.linalg.norm(trajectory.iterates, axis=1)
    measured = (distance[-1] / distance[200]) ** (1 / 200)
    assert measured == pytest.approx(math.sqrt(alpha), rel=0.01)
    gd_lr, gd_rate = optimal_gradient_descent(0.5, 50.0)
    gd = np.linalg.norm(run(SGD(gd_lr), problem, np.ones(20), 400).iterates, axis=1)
    assert gd[-1] > 1e6 * distance[-1]


def test_terminal_velocity_is_the_limit_of_the_velocity(xp):
    g = xp.asarray([0.6, -0.8], dtype=xp.float64)
    v = terminal_velocity(g, 0.1, 0.9)
    assert v.shape == g.shape and v.dtype == g.dtype
    theta, velocity = np.zeros(2), np.zeros(2)
    for _ in range(500):
        theta, velocity = momentum_step(theta, velocity, np.array([0.6, -0.8]), 0.1, 0.9)
    np.testing.assert_allclose(np.asarray(v), velocity, rtol=1e-9)
    np.testing.assert_allclose(np.asarray(v), [-0.6, 0.8])  # 10× the plain step −εg


def test_stationary_loss_matches_the_closed_form_and_a_simulation():
    lam, lr, alpha, sigma = 4.0, 0.1, 0.9, 1.5
    closed = 0.5 * lam * lr * sigma**2 * (1 + alpha) / (lam * (1 - alpha) * (2 * (1 + alpha) - lr * lam))
    assert stationary_loss(lam, lr, alpha, sigma) == pytest.approx(closed, rel=1e-12)
    assert stationary_loss(lam, lr, 0.0, sigma) == pytest.approx(0.5 * lr * sigma**2 / (2 - lr * lam))
    rng = np.random.default_rng(0)
    for nesterov, optimizer in ((False, Momentum(lr, alpha)), (True, Nesterov(lr, alpha))):
        copies = 4000
        problem = _Scalar(lam)
        noise = rng.standard_normal((300, copies))
        calls = iter(range(300))
        trajectory = run(optimizer, problem, np.zeros(copies), 300,
                         grad_fn=lambda x: lam * x + sigma * noise[next(calls)])
        simulated = float(np.mean(0.5 * lam * trajectory.iterates[200:] ** 2))
        assert simulated == pytest.approx(stationary_loss(lam, lr, alpha, sigma, nesterov), rel=0.05)


class _Scalar:
    """f(θ) = ½ λ Σθ_i² over independent copies (the mean of their losses)."""

    def __init__(self, lam: float) -> None:
        self.lam = lam

    def value(self, x):
        return np.asarray(0.5 * self.lam * np.mean(x * x))

    def grad(self, x):
        return self.lam * x


def test_stationary_loss_is_infinite_when_the_iteration_diverges_and_zero_without_noise():
    assert stationary_loss(4.0, 0.8, 0.5, 1.0) == math.inf
    assert stationary_loss(4.0, 0.1, 0.5, 0.0) == 0.0


@pytest.mark.parametrize("call, message", [
    (lambda: momentum_rate(-1.0, 0.1, 0.5), "lam must be non-negative"),
    (lambda: momentum_rate(1.0, 0.0, 0.5), "lr must be positive"),
    (lambda: momentum_rate(1.0, 0.1, 1.0), r"alpha must lie in \[0, 1\)"),
    (lambda: largest_stable_momentum_lr(0.0, 0.5), "lam must be positive"),
    (lambda: optimal_momentum(2.0, 1.0), "lam_min must be <= lam_max"),
    (lambda: optimal_gradient_descent(0.0, 1.0), "lam_min must be positive"),
    (lambda: stationary_loss(1.0, 0.1, 0.5, -1.0), "sigma must be non-negative"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
