"""Tests for course.gradcheck: central differences and the relative error."""

from __future__ import annotations

import array_api_strict as xps
import numpy as np
import pytest

from course.backend import get_namespace, to_numpy
from course.gradcheck import numerical_gradient, rel_error

NAMESPACES = [pytest.param(np, id="numpy"), pytest.param(xps, id="array_api_strict")]


def arr(xp, values, dtype=None):
    return xp.asarray(np.asarray(values, dtype=np.float64), dtype=dtype or xp.float64)


@pytest.mark.parametrize("xp", NAMESPACES)
def test_numerical_gradient_of_weighted_sine_on_a_matrix(xp):
    # Distinct weights per entry catch a gradient written back in the wrong order.
    rng = np.random.default_rng(0)
    W_np, x_np = rng.uniform(1, 3, (3, 4)), rng.uniform(-2, 2, (3, 4))
    W, x = arr(xp, W_np), arr(xp, x_np)
    g = numerical_gradient(lambda v: xp.sum(W * xp.sin(v)), x)
    assert get_namespace(g) is get_namespace(x)
    assert g.shape == (3, 4) and g.dtype == xp.float64
    assert rel_error(g, W_np * np.cos(x_np)) < 1e-8


@pytest.mark.parametrize("xp", NAMESPACES)
def test_numerical_gradient_is_central_difference(xp):
    # For exp at 0 the central difference is sinh(h)/h = 1 + h²/6 + ...;
    # a forward difference would give 1 + h/2.
    h = 1e-2
    g = numerical_gradient(lambda v: xp.sum(xp.exp(v)), arr(xp, [0.0, 0.0]), h=h)
    np.testing.assert_allclose(to_numpy(g), np.sinh(h) / h, rtol=1e-12)


@pytest.mark.parametrize("xp", NAMESPACES)
def test_numerical_gradient_leaves_x_unchanged_and_accepts_python_floats(xp):
    x = arr(xp, [0.5, -1.5, 2.0])
    g = numerical_gradient(lambda v: float(xp.sum(v**2)), x)
    np.testing.assert_array_equal(to_numpy(x), [0.5, -1.5, 2.0])
    np.testing.assert_allclose(to_numpy(g), [1.0, -3.0, 4.0], rtol=1e-9)


def test_numerical_gradient_keeps_float32():
    x = np.asarray([1.0, 2.0], dtype=np.float32)
    g = numerical_gradient(lambda v: np.sum(v * v), x, h=1e-2)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, [2.0, 4.0], rtol=1e-3)


@pytest.mark.parametrize("h", [0.0, -1e-5, float("nan")])
def test_numerical_gradient_rejects_bad_step(h):
    with pytest.raises(ValueError, match="h must be"):
        numerical_gradient(lambda v: v @ v, np.ones(2), h=h)


def test_numerical_gradient_rejects_bad_x():
    with pytest.raises(TypeError, match="expected an array"):
        numerical_gradient(lambda v: v @ v, [1.0, 2.0])
    with pytest.raises(TypeError, match="x must have a floating dtype"):
        numerical_gradient(lambda v: v @ v, np.arange(3))
    with pytest.raises(ValueError, match="x contains non-finite"):
        numerical_gradient(lambda v: v @ v, np.array([1.0, np.inf]))


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (1.0, 1.0, 0.0),
        (1.0, 2.0, 1 / 3),
        (-1.0, 1.0, 1.0),
        (0.0, 0.0, 0.0),
        (1e-10, 0.0, 1e-2),  # the denominator is floored at 1e-8
        ([1.0, 2.0], [1.0, 3.0], 1 / 5),  # the largest elementwise error
    ],
)
def test_rel_error_values(a, b, expected):
    assert rel_error(np.asarray(a), np.asarray(b)) == pytest.approx(expected, rel=1e-12)
    assert rel_error(np.asarray(b), np.asarray(a)) == pytest.approx(expected, rel=1e-12)


def test_rel_error_numbers_and_mixed_libraries():
    r = rel_error(xps.asarray([1.0, 2.0], dtype=xps.float64), np.array([1.0, 2.5]))
    assert type(r) is float and r == pytest.approx(0.5 / 4.5)
    assert type(rel_error(3, 3.0)) is float and rel_error(3, 3.0) == 0.0
    assert rel_error(xps.asarray(2.0, dtype=xps.float64), 1.0) == pytest.approx(1 / 3)


def test_rel_error_shape_mismatch():
    with pytest.raises(ValueError, match="same shape"):
        rel_error(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="same shape"):
        rel_error(np.ones((2, 1)), np.ones(2))
