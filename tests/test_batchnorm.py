"""Batch normalization against numerical gradients and an independent float64 computation."""

from __future__ import annotations

import numpy as np
import pytest

from course.backend import to_numpy
from course.batchnorm import (
    BatchNorm, batchnorm_backward, batchnorm_forward, batchnorm_inference, chain_step_terms, first_order_decrease,
    linear_chain_gradient,
)
from course.gradcheck import numerical_gradient, rel_error

EPS = 1e-5


def data(xp, m=6, n=4, seed=0):
    """x with columns of different scales and offsets, and γ, β, an upstream gradient."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((m, n)) * np.array([1.0, 10.0, 0.1, 3.0])[:n] + np.arange(n)
    gamma, beta = rng.uniform(0.5, 2.0, n), rng.standard_normal(n)
    dout = rng.standard_normal((m, n))
    return [xp.asarray(a, dtype=xp.float64) for a in (x, gamma, beta, dout)]


def reference_forward(x, gamma, beta, eps=EPS):
    """Column by column, in float64 NumPy, with explicit sums."""
    x = np.asarray(x, dtype=np.float64)
    m = x.shape[0]
    out = np.empty_like(x)
    for j in range(x.shape[1]):
        mu = sum(x[:, j]) / m
        var = sum((x[:, j] - mu) ** 2) / m
        out[:, j] = gamma[j] * (x[:, j] - mu) / np.sqrt(var + eps) + beta[j]
    return out


def reference_backward(dout, x, gamma, eps=EPS):
    """The staged chain rule of the computational graph (through μ, the variance and σ)."""
    m = x.shape[0]
    mu = x.mean(axis=0)
    xc = x - mu
    var = (xc**2).mean(axis=0)
    std = np.sqrt(var + eps)
    x_hat = xc / std
    dgamma = (dout * x_hat).sum(axis=0)
    dbeta = dout.sum(axis=0)
    dx_hat = dout * gamma
    dvar = (dx_hat * xc).sum(axis=0) * -0.5 * std**-3
    dmu = -(dx_hat / std).sum(axis=0) + dvar * (-2.0 * xc).mean(axis=0)
    dx = dx_hat / std + dvar * 2.0 * xc / m + dmu / m
    return dx, dgamma, dbeta


def test_forward_matches_an_independent_float64_computation(xp):
    x, gamma, beta, _ = data(xp)
    out, _ = batchnorm_forward(x, gamma, beta)
    expected = reference_forward(to_numpy(x), to_numpy(gamma), to_numpy(beta))
    assert rel_error(out, expected) < 1e-7
    # each column comes out with mean β and standard deviation γ·σ_B/√(σ_B² + ε)
    var = to_numpy(x).var(axis=0)
    np.testing.assert_allclose(to_numpy(out).mean(axis=0), to_numpy(beta), atol=1e-12)
    np.testing.assert_allclose(to_numpy(out).std(axis=0), to_numpy(gamma) * np.sqrt(var / (var + EPS)), rtol=1e-12)


def test_backward_matches_the_staged_chain_rule(xp):
    x, gamma, beta, dout = data(xp)
    _, cache = batchnorm_forward(x, gamma, beta)
    dx, dgamma, dbeta = batchnorm_backward(dout, cache)
    expected = reference_backward(to_numpy(dout), to_numpy(x), to_numpy(gamma))
    for got, want in zip((dx, dgamma, dbeta), expected):
        assert rel_error(got, want) < 1e-7


def test_backward_matches_numerical_gradients(xp):
    x, gamma, beta, dout = data(xp, seed=1)
    _, cache = batchnorm_forward(x, gamma, beta)
    dx, dgamma, dbeta = batchnorm_backward(dout, cache)

    def loss(x_, gamma_, beta_):  # L = Σ dout ⊙ out, so ∂L/∂out = dout
        return xp.sum(dout * batchnorm_forward(x_, gamma_, beta_)[0])

    assert rel_error(dx, numerical_gradient(lambda v: loss(v, gamma, beta), x)) < 1e-7
    assert rel_error(dgamma, numerical_gradient(lambda v: loss(x, v, beta), gamma)) < 1e-7
    assert rel_error(dbeta, numerical_gradient(lambda v: loss(x, gamma, v), beta)) < 1e-7
    # dx sums to 0 over the batch: shifting every row by the same vector changes nothing
    np.testing.assert_allclose(to_numpy(dx).sum(axis=0), 0.0, atol=1e-12)


def test_float32_forward_is_close_to_float64(xp):
    x, gamma, beta, _ = data(xp)
    out32, _ = batchnorm_forward(*(xp.astype(a, xp.float32) for a in (x, gamma, beta)))
    assert out32.dtype == xp.float32
    assert rel_error(out32, batchnorm_forward(x, gamma, beta)[0]) < 1e-4


def test_running_statistics_follow_pytorch_conventions(xp):
    rng = np.random.default_rng(2)
    layer = BatchNorm(3, momentum=0.2, xp=xp)
    mean, var = np.zeros(3), np.ones(3)  # PyTorch's initial running statistics
    for m in (5, 2, 8, 3):
        x = rng.standard_normal((m, 3)) * [1.0, 4.0, 0.5] + [0.0, -2.0, 7.0]
        layer.forward(xp.asarray(x))
        mean = 0.8 * mean + 0.2 * x.mean(axis=0)
        var = 0.8 * var + 0.2 * x.var(axis=0, ddof=1)  # unbiased batch variance, m/(m − 1)
        np.testing.assert_allclose(to_numpy(layer.running_mean), mean, rtol=1e-13)
        np.testing.assert_allclose(to_numpy(layer.running_var), var, rtol=1e-13)


def test_inference_uses_the_running_statistics(xp):
    x, gamma, beta, _ = data(xp, m=8)
    layer = BatchNorm(4, xp=xp)
    layer.forward(x)
    layer.gamma, layer.beta = gamma, beta
    mean, var = to_numpy(layer.running_mean).copy(), to_numpy(layer.running_var).copy()
    row = x[:1, :]  # one row is fine in inference
    expected = to_numpy(gamma) * (to_numpy(row) - mean) / np.sqrt(var + EPS) + to_numpy(beta)
    assert rel_error(layer.inference(row), expected) < 1e-12
    got = batchnorm_inference(row, gamma, beta, layer.running_mean, layer.running_var)
    assert rel_error(got, expected) < 1e-12
    np.testing.assert_array_equal(to_numpy(layer.running_mean), mean)  # inference does not update them
    np.testing.assert_array_equal(to_numpy(layer.running_var), var)


def test_layer_matches_the_functions(xp):
    x, gamma, beta, dout = data(xp)
    layer = BatchNorm(4, xp=xp)
    layer.gamma, layer.beta = gamma, beta
    out, cache = batchnorm_forward(x, gamma, beta)
    assert rel_error(layer.forward(x), out) < 1e-15
    dx, dgamma, dbeta = batchnorm_backward(dout, cache)
    assert rel_error(layer.backward(dout), dx) < 1e-15
    assert [to_numpy(g).tolist() for g in layer.gradients()] == [to_numpy(dgamma).tolist(), to_numpy(dbeta).tolist()]


def test_a_layer_of_k_models_equals_k_layers(xp):
    rng = np.random.default_rng(3)
    x = xp.asarray(rng.standard_normal((3, 5, 4)))
    dout = xp.asarray(rng.standard_normal((3, 5, 4)))
    batched = BatchNorm(4, models=3, xp=xp)
    assert tuple(batched.gamma.shape) == (3, 1, 4)
    out, dx = batched.forward(x), batched.backward(dout)
    for k in range(3):
        alone = BatchNorm(4, xp=xp)
        assert rel_error(out[k, ...], alone.forward(x[k, ...])) < 1e-14
        assert rel_error(dx[k, ...], alone.backward(dout[k, ...])) < 1e-14
        assert rel_error(batched.dgamma[k, 0, :], alone.dgamma) < 1e-14
        assert rel_error(batched.running_var[k, 0, :], alone.running_var) < 1e-14


def test_bad_input_is_refused_with_the_reason(xp):
    x, gamma, beta, _ = data(xp)
    with pytest.raises(ValueError, match="1 row.*at least 2 rows"):
        batchnorm_forward(x[:1, :], gamma, beta)
    with pytest.raises(ValueError, match=r"beta has shape \(3,\) but gamma has shape \(4,\)"):
        batchnorm_forward(x, gamma, beta[:3])
    with pytest.raises(ValueError, match=r"gamma must have shape \(3,\) to match the 3 columns of x"):
        batchnorm_forward(x[:, :3], gamma, beta)
    bad = xp.asarray(np.where(np.eye(6, 4) > 0, np.nan, to_numpy(x)))
    with pytest.raises(ValueError, match="x contains non-finite values"):
        batchnorm_forward(bad, gamma, beta)
    with pytest.raises(ValueError, match="x must be a 2-D array"):
        batchnorm_forward(xp.reshape(x, (2, 3, 4)), gamma, beta)
    with pytest.raises(ValueError, match="eps must be positive"):
        batchnorm_forward(x, gamma, beta, eps=0.0)
    with pytest.raises(ValueError, match="running_var must be non-negative"):
        batchnorm_inference(x, gamma, beta, beta, -gamma)
    layer = BatchNorm(4, xp=xp)
    with pytest.raises(ValueError, match="1 row"):
        layer.forward(x[:1, :])
    with pytest.raises(ValueError, match=r"x must have shape \(m, 4\)"):
        layer.forward(x[:, :3])
    with pytest.raises(ValueError, match="backward needs a forward pass"):
        layer.backward(x)
    with pytest.raises(ValueError, match="momentum must lie in"):
        BatchNorm(4, momentum=1.5)


# --- the deep linear chain of §1 ----------------------------------------------------------


def chain(xp, weights):
    return xp.asarray(np.asarray(weights, dtype=np.float64), dtype=xp.float64)


@pytest.mark.parametrize("weights", [[1.7], [0.5, -2.0], [1.5, 0.7, -1.2, 2.0, 0.9], [1.3, 0.0, 2.0]])
def test_chain_gradient_is_the_derivative_of_the_product(xp, weights):
    w = chain(xp, weights)
    x = 0.8
    g = to_numpy(linear_chain_gradient(x, w))
    numerical = numerical_gradient(lambda v: x * np.prod(v), np.asarray(weights, dtype=np.float64))
    np.testing.assert_allclose(g, numerical, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("lr", [1e-3, 0.05, 0.7])
def test_chain_terms_add_up_to_the_output_after_the_step(xp, lr):
    weights = np.array([1.5, 0.7, -1.2, 2.0, 0.9])
    x = -1.3
    g = x * np.array([np.prod(np.delete(weights, i)) for i in range(len(weights))])
    terms = to_numpy(chain_step_terms(x, chain(xp, weights), lr))
    assert terms.shape == (len(weights) + 1,)
    assert terms.sum() == pytest.approx(x * np.prod(weights - lr * g), rel=1e-12)
    assert terms[0] == pytest.approx(x * np.prod(weights), rel=1e-12)
    assert terms[1] == pytest.approx(-lr * g @ g, rel=1e-12)
    # the order-2 term: ε² x Σ_{i<j} gᵢ gⱼ ∏_{k≠i,j} w_k
    second = sum(g[i] * g[j] * np.prod(np.delete(weights, [i, j]))
                 for i in range(len(weights)) for j in range(i + 1, len(weights)))
    assert terms[2] == pytest.approx(lr**2 * x * second, rel=1e-12)
    assert terms[-1] == pytest.approx(x * np.prod(-lr * g), rel=1e-12)
    assert first_order_decrease(x, chain(xp, weights), lr) == pytest.approx(-terms[1], rel=1e-12)


def test_deep_chains_leave_the_first_order_picture_at_small_steps():
    """Every weight 1.5, ε = 0.001: two layers follow the prediction, sixteen do not."""
    for layers, close in ((2, True), (16, False)):
        terms = chain_step_terms(1.0, np.full(layers, 1.5), 1e-3)
        actual, predicted = -terms[1:].sum(), first_order_decrease(1.0, np.full(layers, 1.5), 1e-3)
        assert bool(abs(actual / predicted - 1) < 1e-3) is close, (layers, actual, predicted)


def test_chain_functions_reject_bad_arguments():
    with pytest.raises(ValueError, match="1-D array of the l ≥ 1 weights"):
        linear_chain_gradient(1.0, np.ones((2, 2)))
    with pytest.raises(ValueError, match="1-D array of the l ≥ 1 weights"):
        first_order_decrease(1.0, np.ones(0), 0.1)
    with pytest.raises(ValueError, match="x must be finite"):
        chain_step_terms(float("inf"), np.ones(3), 0.1)
    with pytest.raises(ValueError, match="lr must be positive"):
        chain_step_terms(1.0, np.ones(3), -0.1)
