"""Initializers: ranges, variances, orthogonality, sparsity, and the bias heuristics."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from scipy.special import softmax

from course.init import (
    forget_gate_bias,
    glorot_uniform,
    orthogonal,
    output_bias,
    relu_bias,
    sparse,
    uniform_fan_in,
)

M, N = 400, 300  # inputs (rows), units (columns)


@pytest.mark.parametrize(
    "init, bound",
    [(uniform_fan_in, 1 / np.sqrt(M)), (glorot_uniform, np.sqrt(6 / (M + N)))],
    ids=["uniform_fan_in", "glorot_uniform"],
)
def test_uniform_initializers_have_the_stated_range_and_variance(init, bound):
    w = init((M, N), rng=0)
    assert w.shape == (M, N)
    assert np.max(np.abs(w)) <= bound
    assert np.max(np.abs(w)) > 0.999 * bound  # the whole range is used, not a narrower one
    np.testing.assert_allclose(w.var(), bound**2 / 3, rtol=0.02)  # U(−a, a) has variance a²/3
    assert abs(w.mean()) < 0.01 * bound
    assert stats.kstest(w.ravel(), stats.uniform(loc=-bound, scale=2 * bound).cdf).pvalue > 1e-3
    np.testing.assert_array_equal(w, init((M, N), rng=np.random.default_rng(0)))  # a seed is a seed


def test_glorot_variance_is_two_over_fan_in_plus_fan_out():
    assert glorot_uniform((50, 150), rng=1).var() == pytest.approx(2 / 200, rel=0.03)


@pytest.mark.parametrize("shape", [(40, 25), (25, 40), (30, 30)])
@pytest.mark.parametrize("gain", [1.0, np.sqrt(2.0)])
def test_orthogonal_is_orthogonal_with_the_gain(shape, gain):
    w = orthogonal(shape, gain, rng=3)
    m, n = shape
    assert w.shape == shape
    gram = w.T @ w if m >= n else w @ w.T  # WᵀW = g²I for m ≥ n, WWᵀ = g²I for m < n
    np.testing.assert_allclose(gram, gain**2 * np.eye(min(m, n)), atol=1e-12)
    np.testing.assert_allclose(np.linalg.svd(w, compute_uv=False), gain, rtol=1e-12)


def test_orthogonal_draws_differ_and_are_not_biased_in_sign():
    draws = np.stack([orthogonal((4, 4), 1.0, rng=s) for s in range(400)])
    assert not np.allclose(draws[0], draws[1])
    assert abs(np.mean(draws[:, 0, 0])) < 0.1  # the signs of R's diagonal are folded in


@pytest.mark.parametrize("k", [1, 15, 40])
def test_sparse_has_exactly_k_nonzeros_per_unit(k):
    w = sparse((40, 60), k, rng=2)
    assert w.shape == (40, 60)
    assert np.count_nonzero(w, axis=0).tolist() == [k] * 60  # k incoming weights per unit
    if k < 40:
        assert len(set(map(tuple, (w != 0).T))) > 1  # the chosen inputs differ between units
    assert np.std(w[w != 0]) == pytest.approx(1.0, rel=0.2)
    assert np.std(sparse((40, 60), k, rng=2, scale=0.1)[w != 0]) == pytest.approx(0.1, rel=0.2)


def test_bias_heuristics():
    np.testing.assert_array_equal(relu_bias(5), np.full(5, 0.1))
    np.testing.assert_array_equal(forget_gate_bias(3), np.ones(3))
    counts = [10, 30, 60]
    b = output_bias(counts)
    np.testing.assert_allclose(softmax(b), [0.1, 0.3, 0.6], rtol=1e-14)  # softmax(b) = marginals
    np.testing.assert_allclose(b, np.log([0.1, 0.3, 0.6]), rtol=1e-14)
    np.testing.assert_allclose(output_bias([0.1, 0.3, 0.6]), b, rtol=1e-14)


def test_bad_input_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="shape must be a pair"):
        uniform_fan_in((3, 4, 5))
    with pytest.raises(ValueError, match=r"shape\[0\] \(inputs m\) must be >= 1"):
        glorot_uniform((0, 4))
    with pytest.raises(ValueError, match="k must be at most the number of inputs m = 4"):
        sparse((4, 3), 5)
    with pytest.raises(ValueError, match="gain must be positive"):
        orthogonal((3, 3), 0.0)
    with pytest.raises(ValueError, match="class_frequencies must be finite and positive"):
        output_bias([0.5, 0.0, 0.5])
