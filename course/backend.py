"""Which array library the course runs on: CuPy on a working GPU, NumPy otherwise.

The reference code never imports NumPy or CuPy for its arithmetic: it asks
:func:`get_namespace` for the array-API namespace of its inputs and computes
with that, so the same function runs on NumPy, CuPy or ``array_api_strict``
arrays. Only the *default* library for new arrays (:func:`default_namespace`,
used by :func:`asarray`) is chosen here, once per process, from the environment
variable ``COURSE_BACKEND``:

``auto`` (default)
    CuPy if it imports, reports at least one CUDA device, and a tiny kernel
    with a reduction and a copy to the host gives the right answer;
    NumPy otherwise.
``numpy``
    Always NumPy.
``cupy``
    CuPy, or a :class:`BackendError` that says why CuPy is not usable.
"""

from __future__ import annotations

import functools
import os
from types import ModuleType
from typing import Any

import array_api_compat
import numpy as np

BACKENDS = ("auto", "numpy", "cupy")


class BackendError(RuntimeError):
    """The requested array backend cannot be used on this machine."""


def probe_cupy() -> tuple[ModuleType | None, str]:
    """Try CuPy for real and return ``(cupy, "")`` or ``(None, reason)``.

    ``cupy.is_available()`` alone does not prove that kernels compile, so this
    runs one: ``sum(arange(8)**2)`` must come back to the host as 140.
    """
    try:
        import cupy
    except Exception as exc:  # ImportError, or a broken CUDA installation
        return None, f"CuPy does not import ({type(exc).__name__}: {exc})"
    try:
        if cupy.cuda.runtime.getDeviceCount() < 1:
            return None, "CuPy reports no CUDA device"
        x = cupy.arange(8, dtype=cupy.float32)
        total = float(cupy.asnumpy((x * x).sum()))
    except Exception as exc:
        return None, f"a test kernel failed on the GPU ({type(exc).__name__}: {exc})"
    if total != 140.0:
        return None, f"a test kernel computed {total} instead of 140"
    return cupy, ""


@functools.cache
def _select(choice: str) -> ModuleType:
    if choice not in BACKENDS:
        raise BackendError(
            f"COURSE_BACKEND={choice!r} is not one of {', '.join(BACKENDS)}"
        )
    if choice == "numpy":
        return np
    cupy, why = probe_cupy()
    if cupy is not None:
        return cupy
    if choice == "cupy":
        raise BackendError(f"COURSE_BACKEND=cupy, but CuPy cannot be used: {why}")
    return np


def default_namespace() -> ModuleType:
    """The array module new arrays are made with: ``cupy`` or ``numpy``.

    Decided once per value of ``COURSE_BACKEND`` and cached
    (``_select.cache_clear()`` forgets the decision).
    """
    return _select(os.environ.get("COURSE_BACKEND", "auto").strip().lower())


def get_namespace(*arrays: Any) -> Any:
    """The array-API namespace shared by ``arrays`` (the ``xp`` of the reference code).

    With no arrays, the namespace of the default backend.

    Raises
    ------
    TypeError
        If an argument is not an array (a list, a Python number, ...) or the
        arrays come from different libraries.
    """
    if not arrays:
        return array_api_compat.array_namespace(default_namespace().zeros(0))
    for x in arrays:
        if not array_api_compat.is_array_api_obj(x) or isinstance(x, (int, float, complex)):
            raise TypeError(
                f"expected an array (NumPy, CuPy or another array-API library), "
                f"got {type(x).__name__}; convert it with course.backend.asarray"
            )
    try:
        return array_api_compat.array_namespace(*arrays)
    except TypeError as exc:
        raise TypeError(f"arrays come from different libraries: {exc}") from None


def asarray(x: Any, dtype: Any = None) -> Any:
    """``x`` as an array of the default backend (on the GPU when CuPy is used)."""
    xp = default_namespace()
    return xp.asarray(x, dtype=dtype)


def to_numpy(x: Any) -> np.ndarray:
    """Copy an array of any supported library to a NumPy array on the host."""
    if isinstance(x, np.ndarray):
        return x
    if array_api_compat.is_cupy_array(x):
        return x.get()
    if array_api_compat.is_array_api_obj(x) and not isinstance(x, (int, float, complex)):
        return np.from_dlpack(x)
    return np.asarray(x)


def backend_info() -> str:
    """One line naming the backend and device, for a notebook to print."""
    xp = default_namespace()
    if xp is np:
        return f"backend: NumPy {np.__version__} on the CPU"
    device = xp.cuda.Device()
    name = xp.cuda.runtime.getDeviceProperties(device.id)["name"]
    if isinstance(name, bytes):
        name = name.decode()
    return f"backend: CuPy {xp.__version__} on GPU {device.id} ({name})"
