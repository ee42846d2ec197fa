"""``assert_own_implementation``: a hidden test that fails solutions calling the reference code."""

from __future__ import annotations

import collections.abc
import contextlib
import inspect
import re
import sys
import types
from typing import Any, Callable, Iterator

import numpy as np

_COURSE_PATH = re.compile(r"course(\.\w+)*")


def _is_course(name: Any) -> bool:
    return isinstance(name, str) and (name == "course" or name.startswith("course."))


def _course_references(fn: Callable) -> list[str]:
    """Names of course objects that ``fn`` (or a function of its notebook it calls)
    imports or refers to: its code objects' names, recursively, and what they resolve to."""
    found: list[str] = []
    seen: set[int] = set()

    def visit_object(label: str, obj: Any, namespace: dict) -> None:
        module = obj.__name__ if isinstance(obj, types.ModuleType) else getattr(obj, "__module__", None)
        if _is_course(module):
            found.append(module if isinstance(obj, types.ModuleType)
                         else f"{module}.{getattr(obj, '__qualname__', label)}")
        elif isinstance(obj, types.FunctionType) and obj.__globals__ is namespace:
            visit_function(obj)

    def visit_code(code: types.CodeType, namespace: dict) -> None:
        for name in code.co_names:
            if _is_course(name):
                found.append(name)
            elif name in namespace:
                visit_object(name, namespace[name], namespace)
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                visit_code(const, namespace)
            elif isinstance(const, str) and _COURSE_PATH.fullmatch(const):
                found.append(const)

    def visit_function(f: types.FunctionType) -> None:
        if id(f) in seen:
            return
        seen.add(id(f))
        for cell in f.__closure__ or ():
            with contextlib.suppress(ValueError):  # an empty cell
                visit_object(getattr(cell.cell_contents, "__name__", "closure"), cell.cell_contents,
                             f.__globals__)
        visit_code(f.__code__, f.__globals__)

    target = inspect.unwrap(fn)
    if isinstance(target, types.FunctionType):
        visit_function(target)
    return found


class _ReferenceCalled(Exception):
    """Raised by a reference function while assert_own_implementation runs."""


@contextlib.contextmanager
def _references_disabled(calls: list[str]) -> Iterator[None]:
    """Replace every function and class of course.optim by a sentinel that records the call."""
    patched = []
    try:
        modules = [m for name, m in list(sys.modules.items())
                   if m is not None and (name == "course.optim" or name.startswith("course.optim."))]
        for module in modules:
            for attr, obj in list(vars(module).items()):
                if (inspect.isfunction(obj) or inspect.isclass(obj)) and \
                        str(getattr(obj, "__module__", "")).startswith("course.optim"):
                    setattr(module, attr, _sentinel(f"{obj.__module__}.{obj.__qualname__}", calls))
                    patched.append((module, attr, obj))
        yield
    finally:
        for module, attr, obj in reversed(patched):
            setattr(module, attr, obj)


def _sentinel(qualname: str, calls: list[str]) -> Callable:
    def reference_disabled(*args: Any, **kwargs: Any) -> Any:
        calls.append(qualname)
        raise _ReferenceCalled(qualname)

    return reference_disabled


def _sample_args(name: str) -> tuple | None:
    """Small valid arguments for the course function ``name``, or None if unknown."""
    theta = np.array([1.0, -2.0, 0.5])
    g = np.array([0.3, -0.1, 0.2])
    zeros = np.zeros(3)
    samples = {
        "sgd_step": (theta, g, 0.1),
        "momentum_step": (theta, zeros, g, 0.1, 0.9),
        "nesterov_step": (theta, zeros, lambda x: 2.0 * x, 0.1, 0.9),
        "adagrad_step": (theta, zeros, g, 0.1),
        "rmsprop_step": (theta, zeros, g, 0.1),
        "rmsprop_nesterov_step": (theta, zeros, zeros, lambda x: 2.0 * x, 0.1, 0.9),
        "adam_step": (theta, zeros, zeros, g, 1),
        "linear_decay": (3, 0.1, 0.001, 10),
        "warmup": (3, 0.1, 10),
        "minibatches": (10, 3, np.random.default_rng(0)),
    }
    return samples.get(name)


def assert_own_implementation(fn: Callable) -> None:
    """Fail if the student's function uses the course's reference code.

    Two checks: the function's code (and that of notebook functions it calls)
    must not import or refer to anything of the ``course`` package; and one
    call of it, while every function and class of :mod:`course.optim` is
    replaced by a sentinel, must not reach any of them.

    Raises
    ------
    AssertionError
        If the function refers to or calls course code.
    NotImplementedError
        Unchanged, if the exercise is not done yet.
    """
    name = getattr(fn, "__name__", "your function")
    message = f"{name} calls the course's reference implementation ({{}}); write the update yourself."
    found = _course_references(fn)
    if found:
        raise AssertionError(message.format(", ".join(dict.fromkeys(found))))
    args = _sample_args(name)
    if args is None:
        return
    calls: list[str] = []
    try:
        with _references_disabled(calls), np.errstate(all="ignore"):
            result = fn(*args)
            if isinstance(result, collections.abc.Iterator):
                list(result)
    except Exception:  # NotImplementedError too: re-raised unless a reference was called
        if not calls:
            raise
    if calls:
        raise AssertionError(message.format(", ".join(dict.fromkeys(calls))))
