"""Argument checks shared by the reference code.

Each check raises ``ValueError`` (or ``TypeError`` for a wrong kind of object)
with a message that names the argument and what is wrong with it, so that a
student sees "lr must be positive, got -0.1" rather than a NaN three plots later.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from course.backend import get_namespace


def float_arrays(**arrays: Any) -> Any:
    """Check named arrays and return their shared namespace ``xp``.

    Every array must be of one library, have a real floating dtype, hold only
    finite values, and share the shape of the first one.
    """
    names = list(arrays)
    xp = get_namespace(*arrays.values())
    first = names[0]
    shape = arrays[first].shape
    for name, x in arrays.items():
        if not xp.isdtype(x.dtype, "real floating"):
            raise TypeError(f"{name} must have a floating dtype, got {x.dtype}")
        if x.shape != shape:
            raise ValueError(
                f"{name} has shape {tuple(x.shape)} but {first} has shape {tuple(shape)}"
            )
        if x.dtype != arrays[first].dtype:
            raise TypeError(f"{name} has dtype {x.dtype} but {first} has dtype {arrays[first].dtype}")
        if not bool(xp.all(xp.isfinite(x))):
            raise ValueError(f"{name} contains non-finite values (inf or nan)")
    return xp


def _real(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def real(name: str, value: Any) -> float:
    """``value`` as a float, checked to be a finite real number."""
    return _real(name, value)


def positive(name: str, value: Any) -> float:
    """``value`` as a float, checked to be finite and > 0."""
    value = _real(name, value)
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {value}")
    return value


def non_negative(name: str, value: Any) -> float:
    """``value`` as a float, checked to be finite and >= 0."""
    value = _real(name, value)
    if value < 0:
        raise ValueError(f"{name} must be non-negative, got {value}")
    return value


def unit_interval(name: str, value: Any) -> float:
    """``value`` as a float, checked to lie in [0, 1) (a decay rate)."""
    value = _real(name, value)
    if not 0 <= value < 1:
        raise ValueError(f"{name} must lie in [0, 1), got {value}")
    return value


def integer(name: str, value: Any, minimum: int) -> int:
    """``value`` as an int, checked to be an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)
