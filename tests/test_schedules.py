"""Learning-rate schedules, minibatches, clipping and averaging."""

from __future__ import annotations

import numpy as np
import pytest

from course.backend import to_numpy
from course.optim import clip_by_norm, ema, linear_decay, minibatches, polyak_average, warmup


def test_linear_decay_interpolates_then_stays_at_eps_tau():
    eps0, eps_tau, tau = 0.1, 0.001, 100
    assert linear_decay(0, eps0, eps_tau, tau) == pytest.approx(eps0)
    assert linear_decay(50, eps0, eps_tau, tau) == pytest.approx((eps0 + eps_tau) / 2)
    assert linear_decay(tau, eps0, eps_tau, tau) == pytest.approx(eps_tau)
    for k in (tau + 1, 2 * tau, 10**6):
        assert linear_decay(k, eps0, eps_tau, tau) == pytest.approx(eps_tau)
    rates = [linear_decay(k, eps0, eps_tau, tau) for k in range(tau + 1)]
    assert np.all(np.diff(rates) < 0)


def test_warmup_ramps_linearly_to_eps():
    rates = [warmup(k, 0.5, 5) for k in range(8)]
    np.testing.assert_allclose(rates, [0.1, 0.2, 0.3, 0.4, 0.5, 0.5, 0.5, 0.5])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: linear_decay(-1, 0.1, 0.001, 10), "k must be >= 0"),
        (lambda: linear_decay(1, 0.1, 0.001, 0), "tau must be >= 1"),
        (lambda: linear_decay(1, -0.1, 0.001, 10), "eps0 must be positive"),
        (lambda: warmup(1, 0.1, 0), "steps must be >= 1"),
    ],
)
def test_schedule_arguments_are_checked(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("n, batch_size", [(10, 3), (12, 4), (1, 5), (100, 1)])
def test_minibatches_cover_every_index_once_per_epoch(n, batch_size):
    batches = list(minibatches(n, batch_size, np.random.default_rng(0)))
    assert [len(b) for b in batches[:-1]] == [batch_size] * (len(batches) - 1)
    assert 1 <= len(batches[-1]) <= batch_size
    np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(n))


def test_minibatches_are_shuffled_and_reproducible():
    first = np.concatenate(list(minibatches(50, 8, np.random.default_rng(3))))
    again = np.concatenate(list(minibatches(50, 8, np.random.default_rng(3))))
    other = np.concatenate(list(minibatches(50, 8, np.random.default_rng(4))))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, np.arange(50))
    assert not np.array_equal(first, other)


def test_minibatches_check_arguments():
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        next(minibatches(10, 0, 0))


def test_clip_by_norm_keeps_direction_and_caps_length(xp):
    g = xp.asarray([3.0, 4.0], dtype=xp.float64)
    np.testing.assert_allclose(to_numpy(clip_by_norm(g, 1.0)), [0.6, 0.8])
    np.testing.assert_allclose(to_numpy(clip_by_norm(g, 10.0)), [3.0, 4.0])
    np.testing.assert_allclose(to_numpy(clip_by_norm(g * 0, 1.0)), [0.0, 0.0])
    assert clip_by_norm(g, 5.0) is g, "a gradient no longer than the threshold comes back as it is"
    clipped = clip_by_norm(g, 2.5)
    assert clipped is not g and float(xp.linalg.vector_norm(clipped)) == pytest.approx(2.5)
    np.testing.assert_array_equal(to_numpy(g), [3.0, 4.0])  # never modified


def test_polyak_average_and_ema(xp):
    thetas = [xp.asarray([float(i), 2.0 * i]) for i in range(1, 5)]
    np.testing.assert_allclose(to_numpy(polyak_average(thetas)), [2.5, 5.0])
    avg = thetas[0]
    for theta in thetas[1:]:
        avg = ema(avg, theta, 0.5)
    # ((1·½ + 2·½)·½ + 3·½)·½ + 4·½ = 3.125
    np.testing.assert_allclose(to_numpy(avg), [3.125, 6.25])
    with pytest.raises(ValueError, match="thetas is empty"):
        polyak_average([])
