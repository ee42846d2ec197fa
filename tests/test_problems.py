"""Tests for course.problems, on NumPy and on array_api_strict.

array_api_strict rejects anything outside the array-API standard (NumPy
functions, fancy methods, implicit conversions), so the runs on it show that the
objectives are written against the namespace of their input only.
"""

from __future__ import annotations

import math

import array_api_strict as xps
import numpy as np
import pytest
from scipy.optimize import rosen, rosen_der, rosen_hess

from course.backend import get_namespace, to_numpy
from course.gradcheck import numerical_gradient, rel_error
from course.problems import (
    LogisticRegression,
    Quadratic,
    Rosenbrock,
    coupled_quadratic,
    ill_conditioned,
    logistic_regression,
    rosenbrock,
    rotated,
    rotation,
    saddle,
)

NAMESPACES = [pytest.param(np, id="numpy"), pytest.param(xps, id="array_api_strict")]


def arr(xp, values):
    return xp.asarray(np.asarray(values, dtype=np.float64), dtype=xp.float64)


def general_quadratic(xp):
    """A dense SPD quadratic with a non-zero linear term."""
    rng = np.random.default_rng(7)
    M = rng.standard_normal((4, 4))
    A = M @ M.T + 4 * np.eye(4)
    return Quadratic(arr(xp, A), arr(xp, rng.standard_normal(4)))


OBJECTIVES = {
    "ill_conditioned": lambda xp: ill_conditioned(0.1, xp=xp),
    "coupled_quadratic": lambda xp: coupled_quadratic(0.05, xp=xp),
    "quadratic": general_quadratic,
    "quadratic_rotated": lambda xp: Quadratic.from_eigenvalues([0.5, 1.0, 3.0, 10.0], seed=3, xp=xp),
    "rosenbrock": lambda xp: rosenbrock,
    "rosenbrock_5": lambda xp: Rosenbrock(5),
    "saddle": lambda xp: saddle,
    "logistic_regression": lambda xp: logistic_regression(n_samples=60, n_features=3, xp=xp),
}


def random_points(obj, count=3, seed=0):
    return np.random.default_rng(seed).uniform(-2.0, 2.0, size=(count, obj.dim))


# -- every objective -----------------------------------------------------------------


@pytest.mark.parametrize("xp", NAMESPACES)
@pytest.mark.parametrize("which", list(OBJECTIVES))
def test_grad_matches_numerical_gradient(which, xp):
    obj = OBJECTIVES[which](xp)
    for p in random_points(obj):
        x = arr(xp, p)
        assert rel_error(obj.grad(x), numerical_gradient(obj.value, x)) < 1e-6


@pytest.mark.parametrize("xp", NAMESPACES)
@pytest.mark.parametrize("which", list(OBJECTIVES))
def test_values_of_a_batch_match_value_row_by_row(which, xp):
    obj = OBJECTIVES[which](xp)
    points = random_points(obj, count=5)
    batch = to_numpy(obj.values(arr(xp, points)))
    assert batch.shape == (5,)
    expected = [float(obj.value(arr(xp, p))) for p in points]
    np.testing.assert_allclose(batch, expected, rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match=rf"points must be an \(m, {obj.dim}\) array of points"):
        obj.values(arr(xp, points[:, :1]))


@pytest.mark.parametrize("xp", NAMESPACES)
@pytest.mark.parametrize("which", list(OBJECTIVES))
def test_hessian_matches_jacobian_of_grad(which, xp):
    obj = OBJECTIVES[which](xp)
    for p in random_points(obj, count=2, seed=1):
        x = arr(xp, p)
        H = to_numpy(obj.hessian(x))
        J = np.stack(
            [to_numpy(numerical_gradient(lambda v, i=i: obj.grad(v)[i], x)) for i in range(obj.dim)]
        )
        np.testing.assert_allclose(H, J, rtol=1e-6, atol=1e-7 * np.abs(H).max())
        np.testing.assert_array_equal(H, H.T)


@pytest.mark.parametrize("xp", NAMESPACES)
@pytest.mark.parametrize("which", list(OBJECTIVES))
def test_shapes_namespace_and_call(which, xp):
    obj = OBJECTIVES[which](xp)
    x = arr(xp, random_points(obj, count=1)[0])
    f, g, H = obj.value(x), obj.grad(x), obj.hessian(x)
    assert f.shape == () and g.shape == (obj.dim,) and H.shape == (obj.dim, obj.dim)
    for out in (f, g, H):
        assert get_namespace(out) is get_namespace(x)
        assert out.dtype == xp.float64
    assert float(obj(x)) == float(f)
    assert isinstance(obj.name, str) and obj.name


@pytest.mark.parametrize("xp", NAMESPACES)
@pytest.mark.parametrize("which", list(OBJECTIVES))
def test_known_minimizer_has_zero_gradient(which, xp):
    obj = OBJECTIVES[which](xp)
    if obj.minimizer is None:
        assert which == "saddle"
        return
    assert isinstance(obj.minimizer, np.ndarray) and obj.minimizer.shape == (obj.dim,)
    x_star = arr(xp, obj.minimizer)
    assert np.max(np.abs(to_numpy(obj.grad(x_star)))) < 1e-9
    # ... and it is a minimum: the Hessian there is positive definite.
    assert np.linalg.eigvalsh(to_numpy(obj.hessian(x_star))).min() > 0


@pytest.mark.parametrize("which", list(OBJECTIVES))
def test_bad_x_is_rejected_with_a_clear_message(which):
    obj = OBJECTIVES[which](np)
    arg = "w" if isinstance(obj, LogisticRegression) else "x"
    good = np.zeros(obj.dim)
    for method in (obj.value, obj.grad, obj.hessian, obj):
        with pytest.raises(ValueError, match=rf"{arg} must be a 1-D array of length {obj.dim}"):
            method(np.zeros(obj.dim + 1))
        with pytest.raises(ValueError, match=rf"{arg} must be a 1-D array"):
            method(np.zeros((1, obj.dim)))
        with pytest.raises(TypeError, match=rf"{arg} must have a floating dtype"):
            method(np.zeros(obj.dim, dtype=np.int64))
        with pytest.raises(ValueError, match=rf"{arg} contains non-finite"):
            method(np.where(np.arange(obj.dim) == 0, np.nan, good))
        with pytest.raises(TypeError, match="expected an array"):
            method(list(good))


# -- quadratics ----------------------------------------------------------------------


@pytest.mark.parametrize("xp", NAMESPACES)
def test_quadratic_value_grad_hessian_formulas(xp):
    rng = np.random.default_rng(2)
    M = rng.standard_normal((3, 3))
    A, b = M + M.T, rng.standard_normal(3)
    q = Quadratic(arr(xp, A), arr(xp, b))
    x = rng.standard_normal(3)
    assert float(q.value(arr(xp, x))) == pytest.approx(0.5 * x @ A @ x - b @ x, rel=1e-12)
    np.testing.assert_allclose(to_numpy(q.grad(arr(xp, x))), A @ x - b, rtol=1e-12)
    np.testing.assert_array_equal(to_numpy(q.hessian(arr(xp, x))), A)
    np.testing.assert_allclose(q.eigenvalues, np.linalg.eigvalsh(A))


def test_quadratic_minimizer_solves_the_system_and_is_none_when_indefinite():
    A, b = np.array([[3.0, 1.0], [1.0, 2.0]]), np.array([1.0, -1.0])
    np.testing.assert_allclose(Quadratic(A, b).minimizer, np.linalg.solve(A, b))
    assert Quadratic(np.diag([1.0, -1.0])).minimizer is None
    assert Quadratic(np.diag([1.0, 0.0])).minimizer is None
    np.testing.assert_array_equal(Quadratic(A).b, [0.0, 0.0])


@pytest.mark.parametrize("xp", NAMESPACES)
def test_from_eigenvalues(xp):
    lam = [0.1, 2.0, 5.0]
    diagonal = Quadratic.from_eigenvalues(lam, xp=xp)
    np.testing.assert_array_equal(to_numpy(diagonal.A), np.diag(lam))
    rotated = Quadratic.from_eigenvalues(lam, seed=0, xp=xp)
    A = to_numpy(rotated.A)
    np.testing.assert_allclose(np.linalg.eigvalsh(A), lam, rtol=1e-12)
    assert np.abs(A - np.diag(np.diag(A))).max() > 0.1  # really rotated
    assert "50" in rotated.name  # condition number 5 / 0.1


@pytest.mark.parametrize("xp", NAMESPACES)
def test_ill_conditioned(xp):
    b = 0.25
    q = ill_conditioned(b, xp=xp)
    for x, y in random_points(q):
        assert float(q(arr(xp, [x, y]))) == pytest.approx(0.5 * (x**2 + b * y**2), rel=1e-12)
    np.testing.assert_array_equal(to_numpy(q.hessian(arr(xp, [3.0, -1.0]))), np.diag([1.0, b]))
    np.testing.assert_array_equal(q.minimizer, [0.0, 0.0])
    assert q.eigenvalues[-1] / q.eigenvalues[0] == pytest.approx(1 / b)
    assert q.name == "½(x² + 0.25 y²)"


@pytest.mark.parametrize("xp", NAMESPACES)
def test_coupled_quadratic(xp):
    alpha = 0.05
    q = coupled_quadratic(alpha, xp=xp)
    for x1, x2 in random_points(q):
        expected = (x1 - x2) ** 2 + alpha * (x1**2 + x2**2)
        assert float(q(arr(xp, [x1, x2]))) == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(q.eigenvalues, [2 * alpha, 4 + 2 * alpha], rtol=1e-12)
    np.testing.assert_array_equal(q.minimizer, [0.0, 0.0])


@pytest.mark.parametrize("angle", [0.0, 30.0, 45.0, 90.0, -120.0])
def test_a_rotated_quadratic_is_the_same_problem_turned(angle, xp):
    q = Quadratic(coupled_quadratic(0.3, xp=xp).A, arr(xp, [1.0, -2.0]))  # b ≠ 0: the minimizer turns too
    turned = rotated(q, angle)
    R = rotation(angle)
    np.testing.assert_allclose(R @ R.T, np.eye(2), atol=1e-15)
    np.testing.assert_allclose(turned.eigenvalues, q.eigenvalues, rtol=1e-12)
    np.testing.assert_allclose(turned.minimizer, R @ q.minimizer, rtol=1e-12, atol=1e-12)
    for point in random_points(q):
        x = np.asarray(point, dtype=np.float64)
        here, there = arr(xp, list(x)), arr(xp, list(R @ x))
        assert float(turned(there)) == pytest.approx(float(q(here)), rel=1e-12)
        np.testing.assert_allclose(to_numpy(turned.grad(there)), R @ to_numpy(q.grad(here)), rtol=1e-12, atol=1e-12)
    assert get_namespace(turned.A) is get_namespace(q.A) and f"turned by {angle:g}°" in turned.name


def test_rotation_turns_counterclockwise_and_rotated_checks_its_problem():
    np.testing.assert_allclose(rotation(90.0) @ [1.0, 0.0], [0.0, 1.0], atol=1e-15)
    np.testing.assert_allclose(rotation(0.0), np.eye(2))
    with pytest.raises(ValueError, match="angle must be finite"):
        rotation(float("nan"))
    with pytest.raises(TypeError, match="2-D course.problems.Quadratic"):
        rotated(rosenbrock, 10.0)
    with pytest.raises(TypeError, match="2-D course.problems.Quadratic"):
        rotated(Quadratic(np.eye(3)), 10.0)


def test_quadratic_rejects_bad_matrices():
    with pytest.raises(ValueError, match="A must be a square matrix"):
        Quadratic(np.ones((2, 3)))
    with pytest.raises(ValueError, match="A must be a square matrix"):
        Quadratic(np.ones(3))
    with pytest.raises(ValueError, match="A must be symmetric"):
        Quadratic(np.array([[1.0, 2.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match=r"b must have shape \(2,\)"):
        Quadratic(np.eye(2), np.ones(3))
    with pytest.raises(TypeError, match="A must have a floating dtype"):
        Quadratic(np.eye(2, dtype=int))
    with pytest.raises(TypeError, match="same library"):
        Quadratic(np.eye(2), xps.asarray([1.0, 2.0], dtype=xps.float64))


@pytest.mark.parametrize("bad", [0.0, -0.5, float("inf")])
def test_factories_reject_bad_parameters(bad):
    with pytest.raises(ValueError, match="b must be"):
        ill_conditioned(bad)
    with pytest.raises(ValueError, match="alpha must be"):
        coupled_quadratic(bad)


def test_data_and_x_from_different_libraries_are_rejected():
    q = ill_conditioned(0.5, xp=xps)
    with pytest.raises(TypeError, match="build the objective with a matching xp="):
        q.grad(np.zeros(2))
    lr = logistic_regression(xp=xps)
    with pytest.raises(TypeError, match="w is a .*numpy array"):
        lr.value(np.zeros(3))


# -- Rosenbrock ----------------------------------------------------------------------


@pytest.mark.parametrize("xp", NAMESPACES)
@pytest.mark.parametrize("dim", [2, 5])
def test_rosenbrock_matches_scipy(dim, xp):
    obj = rosenbrock if dim == 2 else Rosenbrock(dim)
    assert obj.dim == dim
    for p in random_points(obj, count=4, seed=dim):
        x = arr(xp, p)
        assert float(obj.value(x)) == pytest.approx(rosen(p), rel=1e-12)
        np.testing.assert_allclose(to_numpy(obj.grad(x)), rosen_der(p), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(to_numpy(obj.hessian(x)), rosen_hess(p), rtol=1e-12, atol=1e-12)


def test_rosenbrock_minimum_and_dim_check():
    x_star = Rosenbrock(4).minimizer
    np.testing.assert_array_equal(x_star, np.ones(4))
    assert float(Rosenbrock(4).value(x_star)) == 0.0
    with pytest.raises(ValueError, match="dim must be >= 2"):
        Rosenbrock(1)
    with pytest.raises(TypeError, match="dim must be an integer"):
        Rosenbrock(2.0)


# -- saddle --------------------------------------------------------------------------


@pytest.mark.parametrize("xp", NAMESPACES)
def test_saddle_point_at_origin(xp):
    zero = arr(xp, [0.0, 0.0])
    assert float(saddle(zero)) == 1.0
    np.testing.assert_array_equal(to_numpy(saddle.grad(zero)), [0.0, 0.0])
    H = to_numpy(saddle.hessian(zero))
    np.testing.assert_allclose(np.linalg.eigvalsh(H), [-2.0, 2.0])
    # Moving along the eigenvector of -2, (1, 1)/√2, lowers L; along (1, -1) it rises.
    assert float(saddle(arr(xp, [0.1, 0.1]))) < 1.0 < float(saddle(arr(xp, [0.1, -0.1])))
    assert saddle.minimizer is None
    np.testing.assert_array_equal(saddle.saddle_point, [0.0, 0.0])


@pytest.mark.parametrize("xp", NAMESPACES)
def test_saddle_value_and_minima_curve(xp):
    for w1, w2 in random_points(saddle):
        assert float(saddle(arr(xp, [w1, w2]))) == pytest.approx((1 - w1 * w2) ** 2, rel=1e-12)
    for w1 in (0.5, 2.0, -4.0):
        on_curve = arr(xp, [w1, 1.0 / w1])
        assert float(saddle(on_curve)) == pytest.approx(0.0, abs=1e-15)
        assert np.abs(to_numpy(saddle.grad(on_curve))).max() < 1e-15


# -- logistic regression -------------------------------------------------------------


def loop_loss_and_grad(X, y, w, l2):
    """Plain float64 reference, one example at a time."""
    n, d = X.shape
    loss, grad = 0.0, np.zeros(d)
    for i in range(n):
        z = sum(X[i, j] * w[j] for j in range(d))
        p = 1.0 / (1.0 + math.exp(-z))
        loss += -(y[i] * math.log(p) + (1 - y[i]) * math.log(1 - p))
        for j in range(d):
            grad[j] += (p - y[i]) * X[i, j]
    loss = loss / n + 0.5 * l2 * sum(wj * wj for wj in w)
    return loss, grad / n + l2 * np.asarray(w)


def test_logistic_regression_data():
    lr = LogisticRegression(n_samples=101, n_features=4, seed=3)
    X, y = to_numpy(lr.X), to_numpy(lr.y)
    assert lr.dim == 5 and lr.n_samples == 101 and X.shape == (101, 5) and y.shape == (101,)
    np.testing.assert_array_equal(X[:, -1], 1.0)  # the bias column
    assert set(np.unique(y)) == {0.0, 1.0} and abs(y.sum() - 50.5) <= 1
    # The two blobs sit on opposite sides of the origin.
    assert np.all(X[y == 1, :-1].mean(axis=0) > 0.5) and np.all(X[y == 0, :-1].mean(axis=0) < -0.5)
    np.testing.assert_array_equal(to_numpy(LogisticRegression(101, 4, seed=3).X), X)
    assert not np.array_equal(to_numpy(LogisticRegression(101, 4, seed=4).X), X)
    assert get_namespace(LogisticRegression(xp=xps).X) is xps


@pytest.mark.parametrize("xp", NAMESPACES)
def test_logistic_regression_matches_a_plain_loop(xp):
    lr = logistic_regression(n_samples=50, n_features=2, seed=1, l2=0.01, xp=xp)
    X, y = to_numpy(lr.X), to_numpy(lr.y)
    for w in ([0.0, 0.0, 0.0], [0.5, -1.0, 0.3], [2.0, 1.5, -1.0]):
        loss, grad = loop_loss_and_grad(X, y, w, 0.01)
        assert float(lr.value(arr(xp, w))) == pytest.approx(loss, rel=1e-12)
        np.testing.assert_allclose(to_numpy(lr.grad(arr(xp, w))), grad, rtol=1e-10, atol=1e-14)
    assert float(lr.value(arr(xp, [0.0, 0.0, 0.0]))) == pytest.approx(math.log(2), rel=1e-12)


@pytest.mark.parametrize("xp", NAMESPACES)
def test_logistic_regression_minibatches_partition_the_full_objective(xp):
    lr = logistic_regression(xp=xp)
    w = arr(xp, [0.3, -0.7, 0.2])
    perm = np.random.default_rng(5).permutation(lr.n_samples)
    batches = np.split(perm, 10)  # 10 batches of 20
    grads = np.stack([to_numpy(lr.minibatch_grad(w, idx)) for idx in batches])
    values = [float(lr.minibatch_value(w, idx)) for idx in batches]
    np.testing.assert_allclose(grads.mean(axis=0), to_numpy(lr.grad(w)), rtol=1e-12, atol=1e-15)
    assert np.mean(values) == pytest.approx(float(lr.value(w)), rel=1e-12)
    # A single batch is a noisy estimate, not the full gradient.
    assert np.abs(grads[0] - to_numpy(lr.grad(w))).max() > 1e-3
    # Batch gradients are the gradients of the batch values.
    idx = batches[3]
    numeric = numerical_gradient(lambda v: lr.minibatch_value(v, idx), w)
    assert rel_error(lr.minibatch_grad(w, idx), numeric) < 1e-6


@pytest.mark.parametrize("xp", NAMESPACES)
def test_logistic_regression_is_stable_for_large_weights(xp):
    lr = logistic_regression(n_samples=40, xp=xp)
    w_np = np.array([800.0, -600.0, 50.0])
    X, y = to_numpy(lr.X), to_numpy(lr.y)
    z = X @ w_np
    expected = np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * lr.l2 * w_np @ w_np
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # no overflow
        value = float(lr.value(arr(xp, w_np)))
        grad = to_numpy(lr.grad(arr(xp, w_np)))
        hess = to_numpy(lr.hessian(arr(xp, w_np)))
    assert value == pytest.approx(expected, rel=1e-12)
    assert np.all(np.isfinite(grad)) and np.all(np.isfinite(hess))


def test_logistic_regression_rejects_bad_arguments():
    lr = logistic_regression(n_samples=20)
    w = np.zeros(3)
    with pytest.raises(ValueError, match=r"idx must lie in \[0, 20\)"):
        lr.minibatch_grad(w, np.array([0, 20]))
    with pytest.raises(ValueError, match=r"idx must lie in \[0, 20\)"):
        lr.minibatch_value(w, np.array([-1]))
    with pytest.raises(ValueError, match="idx must be a non-empty 1-D"):
        lr.minibatch_grad(w, np.array([], dtype=int))
    with pytest.raises(TypeError, match="idx must hold integers"):
        lr.minibatch_grad(w, np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="n_samples must be >= 2"):
        LogisticRegression(n_samples=1)
    with pytest.raises(ValueError, match="l2 must be non-negative"):
        LogisticRegression(l2=-1.0)
    assert LogisticRegression(l2=0.0).minimizer is None
