"""Checks of lecture 04: ``momentum_step`` and ``nesterov_step`` (the book's velocity form)."""

from __future__ import annotations

from typing import Callable

import numpy as np

from course import optim
from course.checks.common import DTYPES, Case, Exercise, Mistake, draw, dtype_name, pick, verify

_OLD_VELOCITY = "θ is updated with the old velocity; update v first, then θ ← θ + v with the new v"

MOMENTUM = Exercise(
    name="momentum_step",
    params=("theta", "v", "g", "lr", "alpha"),
    outputs=("theta", "v"),
    reference=optim.momentum_step,
    formula="v ← α v − ε g;  θ ← θ + v",
    mistakes=(
        Mistake("the velocity has PyTorch's units (v ← αv + g; θ ← θ − εv); the course uses the "
                "book's velocity v ← αv − εg; θ ← θ + v",
                lambda theta, v, g, lr, alpha: (theta - lr * (alpha * v + g), alpha * v + g)),
        Mistake(_OLD_VELOCITY,
                lambda theta, v, g, lr, alpha: (theta + v, alpha * v - lr * g)),
        Mistake("the sign of the gradient term in v is wrong (v ← αv + εg); it is v ← αv − εg",
                lambda theta, v, g, lr, alpha: (theta + alpha * v + lr * g, alpha * v + lr * g)),
        Mistake("α is missing: the old velocity must decay, v ← αv − εg",
                lambda theta, v, g, lr, alpha: (theta + v - lr * g, v - lr * g)),
        Mistake("the sign of the θ update is wrong (θ ← θ − v); with v ← αv − εg it is θ ← θ + v",
                lambda theta, v, g, lr, alpha: (theta - (alpha * v - lr * g), alpha * v - lr * g)),
        Mistake("v ← αv − (1 − α)εg is an exponential average, not the book's velocity v ← αv − εg",
                lambda theta, v, g, lr, alpha: (theta + alpha * v - (1 - alpha) * lr * g,
                                                 alpha * v - (1 - alpha) * lr * g)),
    ),
)


def _momentum_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for dtype in DTYPES:
        name = dtype_name(dtype)
        for shape, what, first in (((5,), "from a nonzero velocity", False),
                                   ((2, 3), "from v = 0 (the first step)", True)):
            v = np.zeros(shape, dtype) if first else draw(rng, shape, dtype, 0.05, 0.5)
            args = (draw(rng, shape, dtype), v, draw(rng, shape, dtype), pick(rng, 0.01, 0.3), pick(rng, 0.5, 0.95, 2))
            cases.append(Case(f"for one step {what} in {name}", args, dtype=dtype))
    for dtype in DTYPES:
        steps = 20
        grads = [draw(rng, (4,), dtype) for _ in range(steps)]
        rates = [optim.linear_decay(k, 0.1, 0.01, steps - 1) for k in range(steps)]
        alpha = pick(rng, 0.5, 0.95, 2)
        cases.append(Case(
            f"for a run of steps from v = 0 with a decaying learning rate in {dtype_name(dtype)}",
            (draw(rng, (4,), dtype), np.zeros(4, dtype), grads[0], rates[0], alpha), dtype=dtype,
            steps=steps, advance=lambda k, args, out, grads=grads, rates=rates, alpha=alpha:
                (*out, grads[k], rates[k], alpha),
        ))
    return cases


def check_momentum_step(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``momentum_step(theta, v, g, lr, alpha) -> (theta, v)``.

    The book's velocity form: v ← α v − ε g;  θ ← θ + v.

    Parameters
    ----------
    fn : callable
        The student's function.
    seed : int
        Seed of the random inputs (hidden tests use their own).
    reveal : bool
        Whether a failure may show an example with inputs and expected values.

    Raises
    ------
    CheckFailed
        An AssertionError saying what is wrong and which common mistake it looks like.
    NotImplementedError
        Unchanged, while the exercise is not done.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    verify(MOMENTUM, fn, _momentum_cases(seed), reveal)


# --- nesterov_step ------------------------------------------------------------------


class QuadraticGradient:
    """``grad_fn(x) = A x − b``, the gradient of f(x) = ½ xᵀA x − bᵀx, in the dtype of x."""

    def __init__(self, A: np.ndarray, b: np.ndarray) -> None:
        self.A, self.b = A, b

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        return self.A.astype(x.dtype) @ x - self.b.astype(x.dtype)

    def __repr__(self) -> str:
        A = np.array2string(self.A, separator=", ")
        b = np.array2string(self.b, separator=", ")
        return f"lambda x: A @ x - b with A = {A}, b = {b}"


def _nesterov(theta, v, grad_fn, lr, alpha, point, use_new_v=True):
    new_v = alpha * v - lr * grad_fn(point)
    return theta + (new_v if use_new_v else v), new_v


def _pytorch_form(theta, v, grad_fn, lr, alpha):
    g = grad_fn(theta)
    new_v = alpha * v - lr * g
    return theta + alpha * new_v - lr * g, new_v


def _pytorch_units(theta, v, grad_fn, lr, alpha):
    g = grad_fn(theta)
    new_v = alpha * v + g
    return theta - lr * (g + alpha * new_v), new_v


_BOOK_NESTEROV = ("the course uses the book's form, v ← αv − ε∇f(θ + αv); θ ← θ + v, with the gradient "
                  "at the look-ahead point")


NESTEROV = Exercise(
    name="nesterov_step",
    params=("theta", "v", "grad_fn", "lr", "alpha"),
    outputs=("theta", "v"),
    reference=optim.nesterov_step,
    formula="v ← α v − ε ∇f(θ + α v);  θ ← θ + v",
    call_once={"grad_fn": "it must evaluate the gradient once, at the look-ahead point θ + αv"},
    mistakes=(
        Mistake("the gradient is taken at θ rather than the look-ahead point θ + αv (that is plain "
                "momentum)", lambda theta, v, grad_fn, lr, alpha: _nesterov(theta, v, grad_fn, lr, alpha, theta)),
        Mistake("the look-ahead point uses −αv; it is θ + αv",
                lambda theta, v, grad_fn, lr, alpha: _nesterov(theta, v, grad_fn, lr, alpha, theta - alpha * v)),
        Mistake("the look-ahead point misses α; it is θ + αv, not θ + v",
                lambda theta, v, grad_fn, lr, alpha: _nesterov(theta, v, grad_fn, lr, alpha, theta + v)),
        Mistake(_OLD_VELOCITY, lambda theta, v, grad_fn, lr, alpha:
                _nesterov(theta, v, grad_fn, lr, alpha, theta + alpha * v, use_new_v=False)),
        Mistake("PyTorch's form of Nesterov momentum, which tracks the look-ahead point θ + αv "
                f"instead of θ (gradient at θ, then θ ← θ + αv − εg with the new v); {_BOOK_NESTEROV}",
                _pytorch_form),
        Mistake("PyTorch's form of Nesterov momentum in PyTorch's units (gradient at θ, v ← αv + g, "
                f"θ ← θ − ε(g + αv)), which tracks the look-ahead point instead of θ; {_BOOK_NESTEROV}",
                _pytorch_units),
        Mistake("the sign of the gradient term in v is wrong; it is v ← αv − ε∇f(θ + αv)",
                lambda theta, v, grad_fn, lr, alpha: (
                    theta + alpha * v + lr * grad_fn(theta + alpha * v),
                    alpha * v + lr * grad_fn(theta + alpha * v))),
    ),
)


def _quadratic(rng: np.random.Generator, n: int) -> QuadraticGradient:
    M = rng.normal(size=(n, n))
    A = np.round(M @ M.T / n + np.eye(n), 2)
    return QuadraticGradient(A, np.round(rng.normal(size=n), 2))


def _nesterov_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for dtype in DTYPES:
        name = dtype_name(dtype)
        for what, first in (("from a nonzero velocity", False), ("from v = 0 (the first step)", True)):
            n = 4
            v = np.zeros(n, dtype) if first else draw(rng, (n,), dtype, 0.2, 1.0)
            args = (draw(rng, (n,), dtype), v, _quadratic(rng, n), pick(rng, 0.02, 0.2), pick(rng, 0.5, 0.95, 2))
            cases.append(Case(f"for one step {what} on a quadratic in {name}", args, dtype=dtype))
    for dtype in DTYPES:
        # A small lr keeps v far from 0 over the run: float32 round-off of θ would swamp a
        # vanishing v and fail right implementations that round differently.
        grad_fn, alpha, lr = _quadratic(rng, 3), pick(rng, 0.5, 0.9, 2), pick(rng, 0.02, 0.06)
        cases.append(Case(
            f"for a run of steps from v = 0 on a quadratic in {dtype_name(dtype)}",
            (draw(rng, (3,), dtype), np.zeros(3, dtype), grad_fn, lr, alpha), dtype=dtype, steps=20,
            advance=lambda k, args, out: (*out, *args[2:]),
        ))
    return cases


def check_nesterov_step(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``nesterov_step(theta, v, grad_fn, lr, alpha) -> (theta, v)``.

    The book's form: v ← α v − ε ∇f(θ + α v);  θ ← θ + v.
    Parameters, errors: as :func:`check_momentum_step`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    verify(NESTEROV, fn, _nesterov_cases(seed), reveal)


__all__ = ["check_momentum_step", "check_nesterov_step"]
