"""Choosing NumPy or CuPy, and the helpers that move arrays between them."""

from __future__ import annotations

import sys
import types

import array_api_strict
import numpy as np
import pytest

from course import backend


@pytest.fixture
def fresh(monkeypatch):
    """Forget the cached choice before and after the test."""
    backend._select.cache_clear()
    yield monkeypatch
    backend._select.cache_clear()


def fake_cupy(device_count=1, kernel_error=None):
    """A module standing in for CuPy whose device check behaves as told."""
    cupy = types.ModuleType("cupy")
    runtime = types.SimpleNamespace(getDeviceCount=lambda: device_count)
    cupy.cuda = types.SimpleNamespace(runtime=runtime)
    cupy.float32 = np.float32

    def arange(*args, **kwargs):
        if kernel_error:
            raise kernel_error
        return np.arange(*args, **kwargs)

    cupy.arange = arange
    cupy.asnumpy = np.asarray
    return cupy


def test_without_cupy_auto_is_numpy(fresh):
    fresh.setitem(sys.modules, "cupy", None)  # import cupy raises ImportError
    fresh.setenv("COURSE_BACKEND", "auto")
    assert backend.default_namespace() is np
    assert "NumPy" in backend.backend_info()


def test_cupy_without_device_falls_back_to_numpy(fresh):
    fresh.setitem(sys.modules, "cupy", fake_cupy(device_count=0))
    fresh.delenv("COURSE_BACKEND", raising=False)
    assert backend.default_namespace() is np


def test_cupy_whose_kernel_fails_falls_back_to_numpy(fresh):
    fresh.setitem(sys.modules, "cupy", fake_cupy(kernel_error=RuntimeError("NVRTC failed")))
    fresh.setenv("COURSE_BACKEND", "auto")
    assert backend.default_namespace() is np
    assert "NVRTC failed" in backend.probe_cupy()[1]


def test_working_cupy_is_chosen(fresh):
    cupy = fake_cupy()
    fresh.setitem(sys.modules, "cupy", cupy)
    fresh.setenv("COURSE_BACKEND", "auto")
    assert backend.default_namespace() is cupy


def test_explicit_cupy_without_device_says_why(fresh):
    fresh.setitem(sys.modules, "cupy", fake_cupy(device_count=0))
    fresh.setenv("COURSE_BACKEND", "cupy")
    with pytest.raises(backend.BackendError, match="CuPy cannot be used: CuPy reports no CUDA device"):
        backend.default_namespace()


def test_explicit_numpy_never_probes_cupy(fresh):
    fresh.setitem(sys.modules, "cupy", fake_cupy(kernel_error=AssertionError("probed")))
    fresh.setenv("COURSE_BACKEND", "numpy")
    assert backend.default_namespace() is np


def test_unknown_backend_is_named(fresh):
    fresh.setenv("COURSE_BACKEND", "jax")
    with pytest.raises(backend.BackendError, match="'jax' is not one of auto, numpy, cupy"):
        backend.default_namespace()


def test_choice_is_cached(fresh):
    calls = []
    real = backend.probe_cupy
    fresh.setattr(backend, "probe_cupy", lambda: calls.append(1) or real())
    fresh.setenv("COURSE_BACKEND", "auto")
    backend.default_namespace()
    backend.default_namespace()
    assert len(calls) == 1


def test_get_namespace_follows_the_inputs():
    assert backend.get_namespace(array_api_strict.asarray([1.0])) is array_api_strict
    assert backend.get_namespace(np.ones(2), np.ones(3)).__name__.endswith("numpy")
    with pytest.raises(TypeError, match="different libraries"):
        backend.get_namespace(np.ones(2), array_api_strict.asarray([1.0]))
    with pytest.raises(TypeError, match="got float"):
        backend.get_namespace(1.0)


def test_asarray_and_to_numpy_round_trip(fresh):
    fresh.setenv("COURSE_BACKEND", "numpy")
    x = backend.asarray([1.0, 2.0], dtype="float32")
    assert isinstance(x, np.ndarray) and x.dtype == np.float32
    strict = array_api_strict.asarray([1.0, 2.0])
    np.testing.assert_array_equal(backend.to_numpy(strict), [1.0, 2.0])
    assert backend.to_numpy(x) is x
