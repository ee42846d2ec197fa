"""Students write their own code: the checks fail a function that uses :mod:`course`.

:func:`assert_own_implementation` (a hidden test) looks at the function's code and
makes one call of it; the visible checks look at the code too
(:func:`refuse_course_references`) and run every call of the student's function
with the reference disabled (:func:`references_disabled`).
"""

from __future__ import annotations

import collections.abc
import contextlib
import functools
import inspect
import re
import sys
import types
from typing import Any, Callable, Iterator

import numpy as np

from course.bridge import Remote
from course.checks.failure import CALLS_REFERENCE, CheckFailed, mistake_id

_COURSE_PATH = re.compile(r"course(\.\w+)*")


#: Course modules that exercises are given to use (the line searches of lecture 06).
PROVIDED_MODULES = ("course.linesearch",)


def _is_course(name: Any) -> bool:
    """Whether ``name`` is the course package or one of its modules, other than those provided."""
    return (isinstance(name, str) and (name == "course" or name.startswith("course."))
            and not any(name == m or name.startswith(f"{m}.") for m in PROVIDED_MODULES))


def public_name(obj: Any) -> str:
    """``course.optim.adam_step`` for what course.optim exports, else ``module.qualname``."""
    qualname = getattr(obj, "__qualname__", getattr(obj, "__name__", "?"))
    package = sys.modules.get("course.optim")
    if package is not None and getattr(package, qualname, None) is obj:
        return f"course.optim.{qualname}"
    return f"{obj.__module__}.{qualname}"


def _imported(module_name: str, names: tuple[str, ...]) -> list[str]:
    """What a code object that uses the course module ``module_name`` takes from it: the
    functions and classes among the code's ``names`` of the module or of its submodules
    among them (``course.optim.adam_step``), else the module itself."""
    module = sys.modules.get(module_name)
    found = []
    for name in names:
        obj = getattr(module, name, None)
        if isinstance(obj, types.ModuleType) and obj.__name__.startswith(f"{module_name}."):
            found += _imported(obj.__name__, names)
        elif inspect.isfunction(obj) or inspect.isclass(obj):
            found.append(public_name(obj))
    return found or [module_name]


def _course_references(fn: Callable) -> list[str]:
    """Names of course objects that ``fn`` is, or that it (or a function of its notebook
    it calls) imports or refers to: its code objects' names, recursively, and what they
    resolve to."""
    found: list[str] = []
    seen: set[int] = set()

    def visit_object(obj: Any, namespace: dict, names: tuple[str, ...] = (), depth: int = 0) -> None:
        """``names``: those of the code that refers to ``obj`` (what it takes from a module).
        Containers (a dict of functions), partial functions and bound methods are looked into."""
        if id(obj) in seen or depth > 3:
            return
        module = obj.__name__ if isinstance(obj, types.ModuleType) else getattr(obj, "__module__", None)
        if _is_course(module):
            found.extend(_imported(module, names) if isinstance(obj, types.ModuleType) else [public_name(obj)])
        elif isinstance(obj, types.FunctionType) and obj.__globals__ is namespace:
            visit_function(obj)
        elif isinstance(obj, (dict, list, tuple, set, frozenset)):
            seen.add(id(obj))
            items = [*obj.keys(), *obj.values()] if isinstance(obj, dict) else list(obj)
            for item in items[:1000]:
                visit_object(item, namespace, names, depth + 1)
        elif isinstance(obj, (functools.partial, types.MethodType)):
            seen.add(id(obj))
            visit_object(getattr(obj, "func", None) or obj.__func__, namespace, names, depth + 1)

    def visit_code(code: types.CodeType, namespace: dict) -> None:
        for name in code.co_names:
            if _is_course(name):
                found.extend(_imported(name, code.co_names))
            elif name in namespace:
                visit_object(namespace[name], namespace, code.co_names)
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
                visit_object(cell.cell_contents, f.__globals__)
        for default in (*(f.__defaults__ or ()), *(f.__kwdefaults__ or {}).values()):
            visit_object(default, f.__globals__)  # `def step(..., _ref=course.optim.sgd_step)`
        visit_code(f.__code__, f.__globals__)

    target = inspect.unwrap(fn)
    if _is_course(getattr(target, "__module__", None)):
        return [public_name(target)]
    if isinstance(target, types.FunctionType):
        visit_function(target)
    return found


#: The packages of reference code that the students' exercises re-implement.
REFERENCE_MODULES = ("course.optim", "course.batchnorm", "course.secondorder", "course.init", "course.coordinate",
                     "course.challenges", "course.strategies")


def _is_reference(module_name: Any) -> bool:
    return isinstance(module_name, str) and any(
        module_name == prefix or module_name.startswith(f"{prefix}.") for prefix in REFERENCE_MODULES)


class _ReferenceCalled(Exception):
    """Raised by a reference function (:data:`REFERENCE_MODULES`) while references are disabled."""


_LOGS: list[list[str]] = []  # the ``calls`` lists of the references_disabled blocks open now


def current_reference_log() -> list[str] | None:
    """The ``calls`` list of the innermost open :func:`references_disabled` block, or None.
    The autograder's bridge disables the references in the notebook's process while one
    is open, and adds what was called there to it."""
    return _LOGS[-1] if _LOGS else None


@contextlib.contextmanager
def references_disabled(calls: list[str]) -> Iterator[None]:
    """Replace every function and class of the reference modules (:data:`REFERENCE_MODULES`)
    by a sentinel that appends the name of what was called to ``calls`` and raises;
    restore them on exit."""
    patched = []
    _LOGS.append(calls)
    try:
        modules = [m for name, m in list(sys.modules.items())
                   if name.startswith("course.") and m is not None and _is_reference(name)]
        for module in modules:
            for attr, obj, name in _references_in(module):
                setattr(module, attr, _sentinel(name, calls))
                patched.append((module, attr, obj))
        yield
    finally:
        _LOGS.pop()
        for module, attr, obj in reversed(patched):
            setattr(module, attr, obj)


_FOUND: dict[int, tuple[int, list[tuple[str, Any, str]]]] = {}


def _references_in(module: types.ModuleType) -> list[tuple[str, Any, str]]:
    """(attribute, function or class, public name) of the reference code in ``module``;
    kept while the module's attributes stay the same in number (checks call this for
    every call of a student's function)."""
    names = vars(module)
    known = _FOUND.get(id(module))
    if known is not None and known[0] == len(names) and all(names.get(a) is o for a, o, _ in known[1]):
        return known[1]
    found = [(attr, obj, public_name(obj)) for attr, obj in list(names.items())
             if (inspect.isfunction(obj) or inspect.isclass(obj)) and _is_reference(getattr(obj, "__module__", ""))]
    if not any(getattr(obj, "disables_reference", False) for obj in list(names.values())):
        _FOUND[id(module)] = (len(names), found)  # not while an outer block has replaced some
    return found


def _sentinel(name: str, calls: list[str]) -> Callable:
    def reference_disabled(*args: Any, **kwargs: Any) -> Any:
        calls.append(name)
        raise _ReferenceCalled(name)

    reference_disabled.disables_reference = True
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
        "terminal_velocity": (g, 0.1, 0.9),
        "momentum_rate": (2.0, 0.1, 0.5),
        "largest_stable_momentum_lr": (2.0, 0.5),
        "optimal_momentum": (0.5, 8.0),
        "continuation": (lambda x, sigma: 2.0 * x, theta, [1.0, 0.0], 0.1, 2),
        "convexity_sigma": (0.5, 1.0, 5.0),
        "residual_backward": (np.outer(g, theta), np.outer(theta, g), np.outer(theta, theta)),
    }
    return samples.get(name)


def reference_message(name: str, found: list[str]) -> str:
    """The failure of a function ``name`` that uses the course's code ``found``."""
    what = "update" if name.endswith("_step") else "function"
    return (f"{name} calls {', '.join(dict.fromkeys(found))}, the course's reference code: "
            f"write the {what} yourself.")


def refuse_course_references(fn: Callable) -> None:
    """Fail if the code of ``fn`` (or of a notebook function it calls) refers to the
    ``course`` package.

    Raises
    ------
    CheckFailed
        Naming what it refers to.
    """
    found = fn._probe("course_references") if isinstance(fn, Remote) else _course_references(fn)
    if found:
        name = getattr(fn, "__name__", "your function")
        raise CheckFailed(reference_message(name, found), mistake_id(name, CALLS_REFERENCE))


def assert_own_implementation(fn: Callable) -> None:
    """Fail if the student's function uses the course's reference code.

    Two checks: the function's code (and that of notebook functions it calls)
    must not import or refer to anything of the ``course`` package; and one
    call of it, while every function and class of the reference modules
    (:data:`REFERENCE_MODULES`) is replaced by a sentinel, must not reach any of them.

    Raises
    ------
    CheckFailed
        An AssertionError, if the function refers to or calls course code.
    NotImplementedError
        Unchanged, if the exercise is not done yet.
    """
    if isinstance(fn, Remote):  # autograding: the same check, in the notebook's process
        message = fn._probe("own_implementation")
        if message:
            raise CheckFailed(message, mistake_id(getattr(fn, "__name__", ""), CALLS_REFERENCE))
        return
    refuse_course_references(fn)
    name = getattr(fn, "__name__", "your function")
    args = _sample_args(name)
    if args is None:
        return
    calls: list[str] = []
    try:
        with references_disabled(calls), np.errstate(all="ignore"):
            result = fn(*args)
            if isinstance(result, collections.abc.Iterator):
                list(result)
    except Exception:  # NotImplementedError too: re-raised unless a reference was called
        if not calls:
            raise
    if calls:
        raise CheckFailed(reference_message(name, calls), mistake_id(name, CALLS_REFERENCE))
