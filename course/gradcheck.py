"""Checking gradients with finite differences.

>>> g = numerical_gradient(f, x)          # central differences
>>> rel_error(g, analytic_grad(x)) < 1e-6  # in float64
"""

from __future__ import annotations

from typing import Any, Callable

import array_api_compat
import numpy as np

from course.backend import to_numpy
from course.validation import float_arrays, positive

__all__ = ["numerical_gradient", "rel_error"]


def numerical_gradient(f: Callable[[Any], Any], x: Any, h: float = 1e-5) -> Any:
    """Central-difference gradient of a scalar function.

    ∂f/∂xᵢ ≈ (f(x + h eᵢ) − f(x − h eᵢ)) / 2h, for every entry of ``x`` in turn;
    the error is O(h²). Costs 2·x.size evaluations of ``f``.

    Parameters
    ----------
    f : callable
        Maps an array shaped like ``x`` to a scalar (a 0-d array or a number).
    x : array
        Float array of any shape and array-API library; not modified.
    h : float
        Step, > 0.

    Returns
    -------
    array
        The estimate, same shape, dtype and library as ``x``.
    """
    xp = float_arrays(x=x)
    h = positive("h", h)
    probe = xp.asarray(xp.reshape(x, (-1,)), copy=True)  # x + h eᵢ, one entry at a time
    grad = []
    for i in range(probe.shape[0]):
        xi = float(probe[i])
        probe[i] = xi + h
        f_plus = float(f(xp.reshape(probe, x.shape)))
        probe[i] = xi - h
        f_minus = float(f(xp.reshape(probe, x.shape)))
        probe[i] = xi
        grad.append((f_plus - f_minus) / (2.0 * h))
    out = xp.asarray(grad, dtype=x.dtype, device=array_api_compat.device(x))
    return xp.reshape(out, x.shape)


def rel_error(a: Any, b: Any) -> float:
    """Largest elementwise relative error max |a − b| / max(1e-8, |a| + |b|).

    The measure of the CS231n gradient checks: about 1e-7 or less means the
    gradients agree (in float64). ``a`` and ``b`` may be arrays of any library
    (compared on the host in float64) or Python numbers.

    Raises
    ------
    ValueError
        If the shapes of ``a`` and ``b`` differ.
    """
    a_np = np.asarray(to_numpy(a), dtype=np.float64)
    b_np = np.asarray(to_numpy(b), dtype=np.float64)
    if a_np.shape != b_np.shape:
        raise ValueError(f"a and b must have the same shape, got {a_np.shape} and {b_np.shape}")
    if a_np.size == 0:
        return 0.0
    err = np.abs(a_np - b_np) / np.maximum(1e-8, np.abs(a_np) + np.abs(b_np))
    return float(np.max(err))
