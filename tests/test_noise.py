"""Tests for course.optim.noise: SGD on a quadratic with noisy gradients (lecture 03)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course.backend import to_numpy
from course.optim import expected_sgd_loss, sgd_noise_floor, steps_to_target


def arr(xp, values):
    return xp.asarray(np.asarray(values, dtype=np.float64), dtype=xp.float64)


def test_noise_floor_is_the_fixed_point_of_the_second_moment():
    lam, lr, sigma, m = 2.0, 0.3, 1.5, 8
    floor = sgd_noise_floor(lam, lr, sigma, m)
    moment = 2 * floor / lam
    assert moment == pytest.approx((1 - lr * lam) ** 2 * moment + lr**2 * sigma**2 / m, rel=1e-12)
    assert floor == pytest.approx(lr * sigma**2 / (2 * m * (2 - lr * lam)), rel=1e-12)


def test_noise_floor_matches_simulated_sgd():
    rng = np.random.default_rng(0)
    lam, sigma, runs = 1.0, 1.0, 20000
    for lr, m in [(0.1, 1), (0.5, 4), (1.5, 16)]:
        theta = np.zeros(runs)
        for _ in range(300):
            theta = theta - lr * (lam * theta + rng.normal(0.0, sigma / np.sqrt(m), runs))
        measured = np.mean(0.5 * lam * theta**2)
        assert measured == pytest.approx(sgd_noise_floor(lam, lr, sigma, m), rel=0.05)


def test_noise_floor_scales_like_lr_over_m_and_is_infinite_past_the_stability_limit():
    small = sgd_noise_floor(1.0, 1e-4, 1.0, 1)
    assert small == pytest.approx(1e-4 / 4, rel=1e-3)
    assert sgd_noise_floor(1.0, 2e-4, 1.0, 2) == pytest.approx(small, rel=1e-3)
    assert sgd_noise_floor(1.0, 2.0, 1.0, 4) == math.inf
    assert sgd_noise_floor(0.5, 5.0, 1.0, 4) == math.inf
    with pytest.raises(ValueError, match="m must be >= 1"):
        sgd_noise_floor(1.0, 0.1, 1.0, 0)


def test_expected_loss_follows_the_recursion_step_by_step(xp):
    lams, noise, theta0 = [0.05, 0.6, 1.0], [0.3, 1.0, 2.0], [1.0, -2.0, 0.5]
    lr, m = 0.7, 4
    got = to_numpy(expected_sgd_loss(arr(xp, lams), arr(xp, noise), arr(xp, theta0), lr, m, arr(xp, range(30))))
    moment, expected = np.array(theta0) ** 2, []
    for _ in range(30):
        expected.append(0.5 * np.sum(np.array(lams) * moment))
        moment = (1 - lr * np.array(lams)) ** 2 * moment + lr**2 * np.array(noise) / m
    np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize("lr", [2.0, 2.5])
def test_expected_loss_at_and_past_the_stability_limit(xp, lr):
    got = to_numpy(expected_sgd_loss(arr(xp, [1.0]), arr(xp, [1.0]), arr(xp, [1.0]), lr, 1, arr(xp, range(6))))
    moment, expected = 1.0, []
    for _ in range(6):
        expected.append(0.5 * moment)
        moment = (1 - lr) ** 2 * moment + lr**2
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_expected_loss_settles_at_the_sum_of_the_floors(xp):
    lams, noise = [0.1, 1.0], [0.2, 3.0]
    got = to_numpy(expected_sgd_loss(arr(xp, lams), arr(xp, noise), arr(xp, [1.0, 1.0]), 0.4, 8, arr(xp, [10**5])))
    floors = sum(sgd_noise_floor(l, 0.4, np.sqrt(c), 8) for l, c in zip(lams, noise))
    np.testing.assert_allclose(got, floors, rtol=1e-9)


def test_expected_loss_rejects_a_non_positive_curvature(xp):
    with pytest.raises(ValueError, match="lams must be positive"):
        expected_sgd_loss(arr(xp, [0.0, 1.0]), arr(xp, [1.0, 1.0]), arr(xp, [1.0, 1.0]), 0.1, 1, arr(xp, [1]))


def test_steps_to_target_is_the_first_step_at_or_below_the_target(xp):
    lams, noise, theta0 = arr(xp, np.geomspace(0.01, 1.0, 8)), arr(xp, np.geomspace(0.01, 1.0, 8)), arr(xp, np.ones(8))
    target = 0.01
    k = steps_to_target(lams, noise, theta0, 0.2, 16, target)
    values = to_numpy(expected_sgd_loss(lams, noise, theta0, 0.2, 16, arr(xp, [k - 1, k])))
    assert values[0] > target >= values[1]
    assert steps_to_target(lams, noise, theta0, 2.5, 16, target) == math.inf  # diverges
    assert steps_to_target(lams, noise, theta0, 0.2, 1, 1e-6) == math.inf  # the floor is above the target
