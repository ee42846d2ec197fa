"""Optimizer objects: same numbers as the step functions, convergence, divergence detection."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from course import problems
from course.backend import to_numpy
from course.optim import (
    SGD,
    AdaGrad,
    Adam,
    Momentum,
    Nesterov,
    RMSProp,
    RMSPropNesterov,
    adagrad_step,
    adam_step,
    linear_decay,
    momentum_step,
    nesterov_step,
    optimizers,
    rmsprop_nesterov_step,
    rmsprop_step,
    run,
    sgd_step,
)


def grad_fn(x):
    """Gradient of Σ c_i x_i²/2 + sin(x_i), with varied curvature per coordinate."""
    xp = x.__array_namespace__()
    c = xp.linspace(0.5, 3.0, x.shape[-1], dtype=x.dtype)
    return c * x + xp.sin(x)


def pure_loop(name, theta, steps):
    """The same run made with the pure step functions."""
    v = r = s = theta * 0
    for t in range(1, steps + 1):
        if name == "sgd":
            theta = sgd_step(theta, grad_fn(theta), 0.1)
        elif name == "momentum":
            theta, v = momentum_step(theta, v, grad_fn(theta), 0.1, 0.8)
        elif name == "nesterov":
            theta, v = nesterov_step(theta, v, grad_fn, 0.1, 0.8)
        elif name == "adagrad":
            theta, r = adagrad_step(theta, r, grad_fn(theta), 0.1)
        elif name == "rmsprop":
            theta, r = rmsprop_step(theta, r, grad_fn(theta), 0.01)
        elif name == "rmsprop_nesterov":
            theta, v, r = rmsprop_nesterov_step(theta, v, r, grad_fn, 0.01, 0.5)
        elif name == "adam":
            theta, s, r = adam_step(theta, s, r, grad_fn(theta), t, lr=0.05)
    return theta


OBJECTS = {
    "sgd": SGD(0.1),
    "momentum": Momentum(0.1, alpha=0.8),
    "nesterov": Nesterov(0.1, alpha=0.8),
    "adagrad": AdaGrad(0.1),
    "rmsprop": RMSProp(0.01),
    "rmsprop_nesterov": RMSPropNesterov(0.01, alpha=0.5),
    "adam": Adam(0.05),
}


@pytest.mark.parametrize("name", list(OBJECTS))
@pytest.mark.parametrize("shape", [(7,), (5, 6)])
def test_objects_match_step_functions_across_blocks(xp, name, shape, monkeypatch):
    monkeypatch.setattr(optimizers, "BLOCK_SIZE", 4)  # many blocks, a ragged last one
    rng = np.random.default_rng(0)
    start = rng.normal(size=shape)
    theta = xp.asarray(start, copy=True)  # update() overwrites it
    opt = OBJECTS[name]
    state = opt.init(theta)
    for _ in range(6):
        theta, state = opt.update(theta, state, grad_fn)
    expected = pure_loop(name, xp.asarray(start), 6)
    np.testing.assert_allclose(to_numpy(theta), to_numpy(expected), rtol=1e-13, atol=1e-15)
    assert state.k == 6


def test_update_is_in_place_and_keeps_float32():
    theta = np.ones(40000, dtype=np.float32)
    opt = Adam(0.01)
    state = opt.init(theta)
    out, state = opt.update(theta, state, lambda x: x)
    assert out is theta and theta.dtype == np.float32
    np.testing.assert_allclose(theta, 0.99, rtol=1e-6)


def test_schedule_as_learning_rate():
    lr = functools.partial(linear_decay, eps0=0.5, eps_tau=0.1, tau=2)
    theta = np.ones(1)
    opt = SGD(lr)
    state = opt.init(theta)
    for _ in range(4):
        theta, state = opt.update(theta, state, lambda x: np.ones(1))
    np.testing.assert_allclose(theta, [1 - 0.5 - 0.3 - 0.1 - 0.1])


def test_grad_fn_of_wrong_shape_is_named():
    opt = Momentum(0.1)
    theta = np.ones(3)
    with pytest.raises(ValueError, match=r"grad_fn returned an array of shape \(2,\)"):
        opt.update(theta, opt.init(theta), lambda x: np.ones(2))


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: SGD(0.0), "lr must be positive"),
        (lambda: Momentum(0.1, alpha=1.0), r"alpha must lie in \[0, 1\)"),
        (lambda: Adam(rho2=1.2), r"rho2 must lie in \[0, 1\)"),
        (lambda: RMSProp(0.1, delta=-1), "delta must be positive"),
    ],
)
def test_bad_hyperparameters_fail_at_construction(make, message):
    with pytest.raises(ValueError, match=message):
        make()


SETTINGS = {
    "sgd": (SGD(0.9), 300),
    "momentum": (Momentum(0.3, alpha=0.7), 300),
    "nesterov": (Nesterov(0.3, alpha=0.7), 300),
    "adagrad": (AdaGrad(0.5), 600),
    "rmsprop": (RMSProp(0.01), 2000),
    "rmsprop_nesterov": (RMSPropNesterov(0.005, alpha=0.5), 2000),
    "adam": (Adam(0.05), 1000),
}


@pytest.mark.parametrize("name", list(SETTINGS))
def test_each_optimizer_minimises_the_ill_conditioned_quadratic(name):
    opt, steps = SETTINGS[name]
    result = run(opt, problems.ill_conditioned(0.1), np.array([1.0, 1.0]), steps)
    assert result.success, result.message
    np.testing.assert_allclose(result.x, [0.0, 0.0], atol=2e-2)
    assert result.losses[-1] < 1e-3 * result.losses[0]


ROSENBROCK = {
    "sgd": (SGD(1e-3), 20000),
    "momentum": (Momentum(1e-3, alpha=0.9), 5000),
    "nesterov": (Nesterov(1e-3, alpha=0.9), 5000),
    "adagrad": (AdaGrad(0.5), 5000),
    "rmsprop": (RMSProp(1e-3), 5000),
    "rmsprop_nesterov": (RMSPropNesterov(1e-4, alpha=0.9), 10000),
    "adam": (Adam(0.02), 5000),
}


@pytest.mark.parametrize("name", list(ROSENBROCK))
def test_each_optimizer_reaches_the_rosenbrock_minimum(name):
    opt, steps = ROSENBROCK[name]
    result = run(opt, problems.rosenbrock, np.array([-1.2, 1.0]), steps, record_iterates=False)
    assert result.success, result.message
    np.testing.assert_allclose(result.x, [1.0, 1.0], atol=5e-2)


def test_run_records_a_trajectory_and_leaves_theta0_alone(xp):
    theta0 = xp.asarray([1.0, 1.0])
    result = run(SGD(0.5), problems.ill_conditioned(0.1, xp=xp), theta0, 10)
    assert result.iterates.shape == (11, 2)
    assert result.losses.shape == result.grad_norms.shape == (11,)
    np.testing.assert_allclose(result.iterates[0], [1.0, 1.0])
    np.testing.assert_allclose(to_numpy(theta0), [1.0, 1.0])
    # GD on ½(x² + 0.1y²): x ← (1 − ε)x, y ← (1 − 0.1ε)y
    np.testing.assert_allclose(result.iterates[10], [0.5**10, 0.95**10])
    np.testing.assert_allclose(result.grad_norms[10], np.hypot(0.5**10, 0.1 * 0.95**10))


@pytest.mark.parametrize("factor", [1.01, 1.5, 3.0])
def test_run_detects_divergence_beyond_two_over_lambda_max(factor):
    problem = problems.ill_conditioned(0.1)  # λ_max = 1
    result = run(SGD(factor * 2.0), problem, np.array([1.0, 1.0]), 5000)
    assert not result.success
    assert result.diverged_at is not None and result.diverged_at <= 5000
    assert f"diverged at step {result.diverged_at}" in result.message
    assert np.all(np.isfinite(result.losses[:-1]))
    assert len(result.losses) == result.diverged_at + 1


def test_run_converges_just_below_two_over_lambda_max():
    result = run(SGD(0.99 * 2.0), problems.ill_conditioned(0.1), np.array([1.0, 1.0]), 2000)
    assert result.success and result.losses[-1] < result.losses[0]


@pytest.mark.filterwarnings("ignore:overflow encountered")
def test_run_stops_when_iterates_overflow():
    result = run(SGD(1e300), problems.ill_conditioned(0.1), np.array([1e10, 1.0]), 10)
    assert result.diverged_at == 1
    assert np.isnan(result.losses[-1])


def test_run_uses_a_stochastic_gradient_when_given():
    problem = problems.logistic_regression(n_samples=64, seed=0)
    rng = np.random.default_rng(0)
    grad = lambda w: problem.minibatch_grad(w, rng.choice(64, size=8, replace=False))  # noqa: E731
    result = run(SGD(0.5), problem, np.zeros(problem.dim), 200, grad_fn=grad)
    assert result.losses[-1] < 0.7 * result.losses[0]
    assert np.any(np.diff(result.losses) > 0)  # noisy: not monotone like full-batch GD


def test_run_checks_its_arguments():
    with pytest.raises(ValueError, match="steps must be >= 0"):
        run(SGD(0.1), problems.rosenbrock, np.zeros(2), -1)
    with pytest.raises(ValueError, match="theta0 contains non-finite"):
        run(SGD(0.1), problems.rosenbrock, np.array([np.nan, 0.0]), 1)
