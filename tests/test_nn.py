"""The MLP: gradient checks, training with course.optim, batched training, the datasets."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import log_softmax

from course.backend import to_numpy
from course.batchnorm import BatchNorm
from course.data import blobs, spirals
from course.gradcheck import numerical_gradient, rel_error
from course.nn import Linear, SoftmaxCrossEntropy, Tanh, mlp, train, train_curves
from course.optim import SGD, Momentum, Nesterov


def loss_at(model, X, y):
    """L(θ) as a function of the flat parameter vector, for numerical gradients."""

    def f(theta):
        model.set_flat_parameters(theta)
        return model.loss.forward(model.forward(X), y)

    return f


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_mlp_with_batchnorm_passes_a_gradient_check(xp, activation):
    X, y = spirals(12, seed=1, xp=xp)
    model = mlp((2, 6, 5, 3), batchnorm=True, activation=activation, seed=3, xp=xp)
    theta = model.flat_parameters()
    numeric = to_numpy(numerical_gradient(loss_at(model, X, y), theta))
    model.set_flat_parameters(theta)
    model.compute_gradients(X, y)
    start = 0
    for layer in model.layers:
        for p, g in zip(layer.parameters(), layer.gradients()):
            n = int(np.prod(p.shape))
            if isinstance(layer, Linear) and p is layer.b and layer is not model.layers[-1]:
                # a bias followed by batch norm is subtracted out again with the mean: ∂L/∂b = 0
                assert np.max(np.abs(to_numpy(g))) < 1e-12
                assert np.max(np.abs(numeric[start : start + n])) < 1e-8
            else:
                assert rel_error(g, numeric[start : start + n].reshape(p.shape)) < 1e-6, p.shape
            start += n
    assert start == theta.shape[0]


def test_input_gradient_of_a_tanh_mlp(xp):
    X, y = spirals(5, seed=2, xp=xp)
    model = mlp((2, 4, 3), activation="tanh", seed=0, xp=xp)
    model.compute_gradients(X, y)
    dx = model.backward(model.loss.backward())
    numeric = numerical_gradient(lambda x: model.loss.forward(model.forward(x), y), X)
    assert rel_error(dx, numeric) < 1e-7


def test_softmax_cross_entropy_against_scipy(xp):
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((7, 4)) * 30  # large logits: the log-sum-exp must not overflow
    y = rng.integers(0, 4, 7)
    loss = SoftmaxCrossEntropy()
    value = loss.forward(xp.asarray(logits), xp.asarray(y))
    expected = -np.mean(log_softmax(logits, axis=1)[np.arange(7), y])
    assert abs(float(value) - expected) < 1e-12 * abs(expected)
    grad = np.exp(log_softmax(logits, axis=1))
    grad[np.arange(7), y] -= 1
    assert rel_error(loss.backward(), grad / 7) < 1e-10


def test_layers_build_the_stated_network(xp):
    model = mlp((2, 8, 8, 3), batchnorm=True, activation="tanh", xp=xp)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Linear", "BatchNorm", "Tanh", "Linear", "BatchNorm", "Tanh", "Linear"]
    assert [tuple(p.shape) for p in model.parameters()] == [
        (2, 8), (8,), (8,), (8,), (8, 8), (8,), (8,), (8,), (8, 3), (3,),
    ]
    assert isinstance(model.layers[1], BatchNorm) and isinstance(model.layers[2], Tanh)


def test_flat_parameters_round_trip_in_the_order_of_gradients(xp):
    X, y = spirals(4, seed=0, xp=xp)
    model = mlp((2, 3, 3), seed=1, xp=xp)
    theta = model.flat_parameters()
    assert theta.shape == (2 * 3 + 3 + 3 * 3 + 3,)
    model.set_flat_parameters(theta + 1.0)
    assert rel_error(model.layers[0].W, to_numpy(theta[:6]).reshape(2, 3) + 1) == 0
    assert rel_error(model.flat_parameters(), theta + 1.0) == 0
    model.compute_gradients(X, y)
    assert rel_error(model.flat_gradients()[-3:], model.layers[-1].db) == 0


def test_batchnorm_reaches_a_lower_loss_at_a_large_learning_rate():
    X, y = spirals(100, seed=0)
    final = {}
    for bn in (False, True):
        losses = train(mlp((2, 32, 32, 3), batchnorm=bn, seed=0), X, y, SGD(3.0), 200)
        assert np.all(np.isfinite(losses))
        final[bn] = losses[-20:].mean()
    assert final[True] < 0.2 < 0.6 < final[False]


def test_train_drives_any_optimizer_object(xp):
    X, y = spirals(30, seed=0, xp=xp)
    for optimizer in (Momentum(0.05), Nesterov(0.05)):
        model = mlp((2, 16, 3), batchnorm=True, seed=1, xp=xp)
        losses = train(model, X, y, optimizer, 60, batch_size=16, seed=0)
        assert losses.shape == (60,)
        assert losses[-10:].mean() < 0.8 * losses[:5].mean()
        # train leaves the last iterate in the model
        assert float(model.loss.forward(model.inference(X), y)) < losses[0]


def test_batched_curves_equal_each_network_trained_alone():
    X, y = spirals(30, seed=4)
    lrs = [0.05, 0.5, 2.0]
    for bn in (False, True):
        curves = train_curves(lrs, bn, 25, X, y, hidden=(8, 8), batch_size=32, seed=5)
        assert curves.shape == (3, 25)
        for lr, curve in zip(lrs, curves):
            alone = train(mlp((2, 8, 8, 3), batchnorm=bn, seed=5), X, y, SGD(lr), 25, batch_size=32, seed=5)
            np.testing.assert_allclose(curve, alone, rtol=1e-10, equal_nan=False)
        assert not np.allclose(curves[0], curves[2])  # the learning rates do matter


def test_batched_curves_run_on_any_array_library(xp):
    X, y = spirals(10, seed=0, xp=xp)
    curves = train_curves([0.1, 1.0], True, 5, X, y, hidden=(4,))
    expected = train_curves([0.1, 1.0], True, 5, *spirals(10, seed=0), hidden=(4,))
    np.testing.assert_allclose(curves, expected, rtol=1e-12)


def test_a_diverging_network_is_frozen_and_the_others_go_on(recwarn):
    X, y = spirals(20, seed=0)
    curves = train_curves([0.1, 1e6], False, 20, X, y, hidden=(16, 16))
    assert np.all(np.isfinite(curves[0]))
    assert np.isfinite(curves[1, 0]) and np.all(np.isnan(curves[1, -5:]))
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_bad_input_is_refused_with_the_reason(xp):
    X, y = spirals(5, seed=0, xp=xp)
    model = mlp((2, 4, 3), xp=xp)
    with pytest.raises(ValueError, match=r"x must have shape \('batch', 2\)"):
        model.forward(xp.ones((5, 3), dtype=xp.float64))
    with pytest.raises(ValueError, match="y must hold labels in 0, …, 1"):
        mlp((2, 4, 2), xp=xp).compute_gradients(X, y)
    with pytest.raises(TypeError, match="y must hold integer class labels"):
        model.compute_gradients(X, xp.astype(y, xp.float64))
    with pytest.raises(ValueError, match="lrs\\[1\\] must be positive"):
        train_curves([0.1, -1.0], False, 5, X, y)
    with pytest.raises(ValueError, match="batch_size must be >= 2"):
        train(model, X, y, SGD(0.1), 3, batch_size=1)
    with pytest.raises(ValueError, match="activation must be one of"):
        mlp((2, 3), activation="sigmoid")
    bn_model = mlp((2, 4, 3), batchnorm=True, xp=xp)
    with pytest.raises(ValueError, match="1 row"):
        bn_model.compute_gradients(X[:1, :], y[:1])


def test_datasets_are_made_from_a_seed(xp):
    X, y = spirals(50, n_classes=4, seed=7)
    assert X.shape == (200, 2) and X.dtype == np.float64 and y.dtype == np.int64
    assert np.bincount(y).tolist() == [50] * 4
    assert np.all(np.linalg.norm(X, axis=1) <= 1 + 1e-12)
    np.testing.assert_array_equal(X, spirals(50, n_classes=4, seed=7)[0])
    assert not np.array_equal(X, spirals(50, n_classes=4, seed=8)[0])
    Xb, yb = blobs(3000, [[0.0, 0.0], [5.0, -5.0]], std=0.5, seed=1, xp=xp)
    Xb, yb = to_numpy(Xb), to_numpy(yb)
    assert np.bincount(yb).tolist() == [1500, 1500]
    np.testing.assert_allclose(Xb[yb == 1].mean(axis=0), [5.0, -5.0], atol=0.05)
    np.testing.assert_allclose(Xb[yb == 0].std(axis=0), [0.5, 0.5], rtol=0.05)
    with pytest.raises(ValueError, match="centers must be a \\(C, d\\) array"):
        blobs(10, [1.0, 2.0])
