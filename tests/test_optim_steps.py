"""The pure step functions against values computed independently, element by element."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course.backend import to_numpy
from course.optim import (
    uncorrected_step_length,
    adagrad_step,
    adam_step,
    momentum_step,
    nesterov_step,
    rmsprop_nesterov_step,
    rmsprop_step,
    sgd_step,
)

DTYPES = ["float32", "float64"]
TOL = {"float32": 1e-5, "float64": 1e-12}


def arrays(xp, dtype, *values):
    """The given lists as arrays of namespace ``xp`` and ``dtype``."""
    return [xp.asarray(v, dtype=getattr(xp, dtype)) for v in values]


def close(actual, expected, dtype):
    actual = to_numpy(actual)
    assert actual.dtype == np.dtype(dtype), f"dtype changed to {actual.dtype}"
    np.testing.assert_allclose(actual, expected, rtol=TOL[dtype], atol=TOL[dtype] * 1e-3)


THETA = [0.5, -1.5, 2.0, 0.0]
G = [0.3, -2.0, 1e-6, 4.0]
V = [0.1, 0.2, -0.3, 0.0]
R = [0.04, 1.0, 0.0, 2.5]


def quad_grad(x):
    """∇ of Σ c_i x_i² / 2 with c = (1, 2, 3, 4), element by element."""
    return [c * xi for c, xi in zip((1, 2, 3, 4), x)]


@pytest.mark.parametrize("dtype", DTYPES)
def test_sgd_step(xp, dtype):
    theta, g = arrays(xp, dtype, THETA, G)
    new = sgd_step(theta, g, 0.1)
    close(new, [t - 0.1 * gi for t, gi in zip(THETA, G)], dtype)
    close(theta, THETA, dtype)  # unchanged


@pytest.mark.parametrize("dtype", DTYPES)
def test_momentum_step(xp, dtype):
    theta, v, g = arrays(xp, dtype, THETA, V, G)
    new_theta, new_v = momentum_step(theta, v, g, 0.1, 0.9)
    v_exp = [0.9 * vi - 0.1 * gi for vi, gi in zip(V, G)]
    close(new_v, v_exp, dtype)
    close(new_theta, [t + vi for t, vi in zip(THETA, v_exp)], dtype)
    close(theta, THETA, dtype)
    close(v, V, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_nesterov_step_takes_gradient_at_look_ahead(xp, dtype):
    theta, v = arrays(xp, dtype, THETA, V)
    seen = []

    def grad_fn(x):
        seen.append(to_numpy(x).copy())
        return x * xp.asarray([1, 2, 3, 4], dtype=x.dtype)

    new_theta, new_v = nesterov_step(theta, v, grad_fn, 0.1, 0.9)
    ahead = [t + 0.9 * vi for t, vi in zip(THETA, V)]
    np.testing.assert_allclose(seen[0], ahead, rtol=TOL[dtype])
    v_exp = [0.9 * vi - 0.1 * gi for vi, gi in zip(V, quad_grad(ahead))]
    close(new_v, v_exp, dtype)
    close(new_theta, [t + vi for t, vi in zip(THETA, v_exp)], dtype)
    close(theta, THETA, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_adagrad_step(xp, dtype):
    theta, r, g = arrays(xp, dtype, THETA, R, G)
    new_theta, new_r = adagrad_step(theta, r, g, 0.1)
    r_exp = [ri + gi * gi for ri, gi in zip(R, G)]
    close(new_r, r_exp, dtype)
    close(new_theta, [t - 0.1 / (1e-7 + math.sqrt(ri)) * gi for t, ri, gi in zip(THETA, r_exp, G)], dtype)
    close(r, R, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_rmsprop_step_keeps_delta_inside_the_root(xp, dtype):
    theta, r, g = arrays(xp, dtype, THETA, R, G)
    new_theta, new_r = rmsprop_step(theta, r, g, 0.01, rho=0.8, delta=0.5)
    r_exp = [0.8 * ri + 0.2 * gi * gi for ri, gi in zip(R, G)]
    close(new_r, r_exp, dtype)
    close(new_theta, [t - 0.01 / math.sqrt(0.5 + ri) * gi for t, ri, gi in zip(THETA, r_exp, G)], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_rmsprop_nesterov_step(xp, dtype):
    theta, v, r = arrays(xp, dtype, THETA, V, R)
    scale = xp.asarray([1, 2, 3, 4], dtype=theta.dtype)
    new_theta, new_v, new_r = rmsprop_nesterov_step(theta, v, r, lambda x: x * scale, 0.01, 0.5)
    g = quad_grad([t + 0.5 * vi for t, vi in zip(THETA, V)])
    r_exp = [0.9 * ri + 0.1 * gi * gi for ri, gi in zip(R, g)]
    v_exp = [0.5 * vi - 0.01 / math.sqrt(1e-6 + ri) * gi for vi, ri, gi in zip(V, r_exp, g)]
    close(new_r, r_exp, dtype)
    close(new_v, v_exp, dtype)
    close(new_theta, [t + vi for t, vi in zip(THETA, v_exp)], dtype)


def adam_reference(theta, gradients, lr=1e-3, rho1=0.9, rho2=0.999, delta=1e-8):
    """Adam in plain Python floats, one coordinate at a time."""
    theta, s, r = list(theta), [0.0] * len(theta), [0.0] * len(theta)
    for t, g in enumerate(gradients, start=1):
        for i, gi in enumerate(g):
            s[i] = rho1 * s[i] + (1 - rho1) * gi
            r[i] = rho2 * r[i] + (1 - rho2) * gi * gi
            s_hat, r_hat = s[i] / (1 - rho1**t), r[i] / (1 - rho2**t)
            theta[i] -= lr * s_hat / (math.sqrt(r_hat) + delta)
    return theta, s, r


@pytest.mark.parametrize("dtype", DTYPES)
def test_adam_steps_with_bias_correction(xp, dtype):
    rng = np.random.default_rng(0)
    gradients = rng.normal(size=(5, 4)).tolist()
    theta, s, r = arrays(xp, dtype, THETA, [0.0] * 4, [0.0] * 4)
    for t, g in enumerate(gradients, start=1):
        (g_arr,) = arrays(xp, dtype, g)
        theta, s, r = adam_step(theta, s, r, g_arr, t, lr=0.01)
    exp_theta, exp_s, exp_r = adam_reference(THETA, gradients, lr=0.01)
    close(theta, exp_theta, dtype)
    close(s, exp_s, dtype)
    close(r, exp_r, dtype)


def test_adam_keeps_delta_outside_the_root():
    theta, s, r, g = (np.zeros(1), np.zeros(1), np.zeros(1), np.array([1e-6]))
    new, _, _ = adam_step(theta, s, r, g, 1, lr=1.0, delta=1e-6)
    # ŝ = 1e-6, √r̂ = 1e-6: δ outside gives 1e-6/(2e-6) = 0.5; inside would give ≈ 0.7e-3.
    np.testing.assert_allclose(new, [-0.5], rtol=1e-9)


def test_adam_first_step_has_magnitude_lr_per_coordinate(xp):
    g = xp.asarray([1e-3, -5.0, 200.0, 0.25], dtype=xp.float64)
    zeros = xp.zeros(4, dtype=xp.float64)
    new, _, _ = adam_step(zeros, zeros, zeros, g, 1, lr=0.01)
    np.testing.assert_allclose(np.abs(to_numpy(new)), 0.01, rtol=1e-4)


@pytest.mark.parametrize("rho1, rho2", [(0.9, 0.999), (0.5, 0.99), (0.8, 0.8)])
def test_uncorrected_step_length_is_that_of_adam_without_correction(rho1, rho2):
    g = np.array([2.5, -1e3])  # constant, |g| ≫ δ, of two scales: the length is per coordinate
    s, r = np.zeros(2), np.zeros(2)
    for t in range(1, 60):
        s, r = rho1 * s + (1 - rho1) * g, rho2 * r + (1 - rho2) * g * g
        np.testing.assert_allclose(np.abs(s) / np.sqrt(r), uncorrected_step_length(t, rho1, rho2), rtol=1e-12)
    assert uncorrected_step_length(1) == pytest.approx(0.1 / math.sqrt(0.001))
    assert uncorrected_step_length(10**6) == pytest.approx(1.0)


def test_uncorrected_step_length_rejects_bad_arguments():
    with pytest.raises(ValueError, match="t must be >= 1"):
        uncorrected_step_length(0)
    with pytest.raises(ValueError, match=r"rho2 must lie in \[0, 1\)"):
        uncorrected_step_length(3, 0.9, 1.0)


def test_momentum_reaches_terminal_velocity():
    g, lr, alpha = np.array([3.0, 4.0]), 0.1, 0.9
    theta, v = np.zeros(2), np.zeros(2)
    for _ in range(300):
        theta, v = momentum_step(theta, v, g, lr, alpha)
    terminal = lr * np.linalg.norm(g) / (1 - alpha)
    assert np.linalg.norm(v) == pytest.approx(terminal, rel=1e-9)
    assert terminal == pytest.approx(10 * lr * np.linalg.norm(g))


def test_book_momentum_equals_pytorch_form_for_constant_lr():
    rng = np.random.default_rng(1)
    lr, mu = 0.05, 0.9
    theta_book, v = np.zeros(3), np.zeros(3)
    theta_torch, b = np.zeros(3), np.zeros(3)
    for _ in range(50):
        g = rng.normal(size=3)
        theta_book, v = momentum_step(theta_book, v, g, lr, mu)
        b = mu * b + g  # PyTorch: b ← μ b + g; θ ← θ − lr b
        theta_torch = theta_torch - lr * b
    np.testing.assert_allclose(theta_book, theta_torch, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(v, -lr * b, rtol=1e-12, atol=1e-14)


def test_adagrad_effective_rate_never_increases():
    rng = np.random.default_rng(2)
    theta, r = np.zeros(5), np.zeros(5)
    previous = np.full(5, np.inf)
    for _ in range(100):
        theta, r = adagrad_step(theta, r, rng.normal(size=5), 0.1)
        rate = 0.1 / (1e-7 + np.sqrt(r))
        assert np.all(rate <= previous)
        previous = rate


STEP_CALLS = {
    "sgd": lambda th, g, **kw: sgd_step(th, g, kw.get("lr", 0.1)),
    "momentum": lambda th, g, **kw: momentum_step(th, th * 0, g, kw.get("lr", 0.1), kw.get("alpha", 0.9)),
    "adagrad": lambda th, g, **kw: adagrad_step(th, th * 0, g, kw.get("lr", 0.1), kw.get("delta", 1e-7)),
    "rmsprop": lambda th, g, **kw: rmsprop_step(th, th * 0, g, kw.get("lr", 0.1), kw.get("rho", 0.9)),
    "adam": lambda th, g, **kw: adam_step(th, th * 0, th * 0, g, kw.get("t", 1), kw.get("lr", 0.1)),
}


@pytest.mark.parametrize(
    "method, kwargs, message",
    [
        ("sgd", {"lr": 0.0}, "lr must be positive"),
        ("sgd", {"lr": -1.0}, "lr must be positive"),
        ("sgd", {"lr": float("nan")}, "lr must be finite"),
        ("momentum", {"alpha": 1.0}, r"alpha must lie in \[0, 1\)"),
        ("momentum", {"alpha": -0.1}, r"alpha must lie in \[0, 1\)"),
        ("rmsprop", {"rho": 1.5}, r"rho must lie in \[0, 1\)"),
        ("adagrad", {"delta": 0.0}, "delta must be positive"),
        ("adam", {"t": 0}, "t must be >= 1"),
    ],
)
def test_bad_hyperparameters_are_named(method, kwargs, message):
    theta = np.ones(3)
    with pytest.raises(ValueError, match=message):
        STEP_CALLS[method](theta, theta, **kwargs)


def test_step_number_must_be_an_integer():
    z = np.zeros(2)
    with pytest.raises(TypeError, match="t must be an integer"):
        adam_step(z, z, z, z, 1.5)


@pytest.mark.parametrize("method", list(STEP_CALLS))
def test_mismatched_shapes_are_named(method):
    with pytest.raises(ValueError, match=r"g has shape \(2,\) but theta has shape \(3,\)"):
        STEP_CALLS[method](np.ones(3), np.ones(2))


@pytest.mark.parametrize("method", list(STEP_CALLS))
def test_non_finite_gradients_are_named(method):
    with pytest.raises(ValueError, match="g contains non-finite values"):
        STEP_CALLS[method](np.ones(3), np.array([1.0, np.nan, 0.0]))


def test_integer_arrays_are_rejected():
    with pytest.raises(TypeError, match="theta must have a floating dtype"):
        sgd_step(np.arange(3), np.ones(3), 0.1)


def test_lists_are_rejected_with_a_hint():
    with pytest.raises(TypeError, match="expected an array.*got list"):
        sgd_step([1.0, 2.0], np.ones(2), 0.1)


def test_nesterov_checks_what_grad_fn_returns():
    z = np.zeros(3)
    with pytest.raises(ValueError, match=r"g has shape \(2,\)"):
        nesterov_step(z, z, lambda x: np.ones(2), 0.1, 0.9)
    with pytest.raises(TypeError, match="grad_fn must be callable"):
        nesterov_step(z, z, np.ones(3), 0.1, 0.9)


ALL_STEPS = {
    "sgd_step": lambda a: sgd_step(a["theta"], a["g"], 0.1),
    "momentum_step": lambda a: momentum_step(a["theta"], a["v"], a["g"], 0.1, 0.9),
    "nesterov_step": lambda a: nesterov_step(a["theta"], a["v"], lambda x: 2 * x, 0.1, 0.9),
    "adagrad_step": lambda a: adagrad_step(a["theta"], a["r"], a["g"], 0.1),
    "rmsprop_step": lambda a: rmsprop_step(a["theta"], a["r"], a["g"], 0.1),
    "rmsprop_nesterov_step": lambda a: rmsprop_nesterov_step(a["theta"], a["v"], a["r"], lambda x: 2 * x, 0.1, 0.9),
    "adam_step": lambda a: adam_step(a["theta"], a["s"], a["r"], a["g"], 3),
}


@pytest.mark.parametrize("name", list(ALL_STEPS))
@pytest.mark.parametrize("dtype", DTYPES)
def test_step_functions_leave_their_inputs_alone_and_keep_the_dtype(xp, name, dtype):
    values = {"theta": THETA, "g": G, "v": V, "r": R, "s": [0.1, -0.2, 0.0, 0.3]}
    inputs = {key: xp.asarray(value, dtype=getattr(xp, dtype)) for key, value in values.items()}
    outputs = ALL_STEPS[name](inputs)
    for key, value in values.items():
        np.testing.assert_array_equal(to_numpy(inputs[key]), np.asarray(value, dtype=dtype), err_msg=key)
    for out in outputs if isinstance(outputs, tuple) else (outputs,):
        assert to_numpy(out).dtype == np.dtype(dtype)
        assert all(out is not x for x in inputs.values())
