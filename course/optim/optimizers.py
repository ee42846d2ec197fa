"""Optimizer objects for driving experiments, in the style of optax.

Each optimizer is a small frozen object holding its hyperparameters, with

``init(theta) -> state``
    fresh buffers (zeros) and the step counter k = 0;
``update(theta, state, grad_fn) -> (theta, state)``
    one step, with the gradient from ``grad_fn``.

Unlike the pure step functions of :mod:`course.optim.steps`, ``update``
overwrites ``theta`` and the state's buffers in place, block by block, so a
step over 10⁷ parameters reads and writes each buffer once and allocates only
cache-sized temporaries. The formulas are the step functions' own in-place
kernels (``*_update`` in ``steps.py``), so both give the same numbers.

The learning rate ``lr`` is a number or a schedule ``k -> ε_k``, for example
``functools.partial(linear_decay, eps0=0.1, eps_tau=0.001, tau=100)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple, Union

import array_api_compat

from course import validation as check
from course.backend import get_namespace
from course.optim import steps

Array = Any
GradFn = Callable[[Array], Array]
LearningRate = Union[float, Callable[[int], float]]

#: Elements per block of an in-place update: small enough for the block's
#: temporaries to stay in the CPU cache, large enough to amortise Python.
BLOCK_SIZE = 1 << 16


def _blocks(x: Array) -> list[Any]:
    """Index expressions cutting ``x`` into blocks of about BLOCK_SIZE elements along axis 0.

    A GPU array is one block: there, temporaries are cheap and kernel launches are not.
    """
    shape = tuple(x.shape)
    if array_api_compat.is_cupy_array(x) or len(shape) == 0 or shape[0] == 0:
        return [...]
    row = math.prod(shape[1:])
    rows = max(1, BLOCK_SIZE // max(row, 1))
    return [(slice(i, min(i + rows, shape[0])), ...) for i in range(0, shape[0], rows)]


def _in_place(kernel: Callable[..., None], *arrays: Array) -> None:
    """Apply the in-place ``kernel`` to the same block of every array, block by block.

    Basic slices are views, so the kernel's in-place operators write through to
    the arrays (NumPy, CuPy and array-api-strict behave alike here).
    """
    for index in _blocks(arrays[0]):
        kernel(*(x[index] for x in arrays))


def _gradient(grad_fn: GradFn, point: Array, theta: Array) -> Array:
    g = grad_fn(point)
    if tuple(g.shape) != tuple(theta.shape) or g.dtype != theta.dtype:
        raise ValueError(
            f"grad_fn returned an array of shape {tuple(g.shape)} and dtype {g.dtype}; "
            f"theta has shape {tuple(theta.shape)} and dtype {theta.dtype}"
        )
    return g


def _check_lr(lr: LearningRate) -> None:
    if not callable(lr):
        check.positive("lr", lr)


def _rate(lr: LearningRate, k: int) -> float:
    return check.positive(f"lr({k})", lr(k)) if callable(lr) else lr


def _zeros(theta: Array) -> Array:
    xp = check.float_arrays(theta=theta)
    return xp.zeros_like(theta)


class StepState(NamedTuple):
    k: int  # number of updates done so far


class VelocityState(NamedTuple):
    v: Array
    k: int


class SquaresState(NamedTuple):
    r: Array
    k: int


class VelocitySquaresState(NamedTuple):
    v: Array
    r: Array
    k: int


class MomentsState(NamedTuple):
    s: Array
    r: Array
    k: int


@dataclass(frozen=True)
class SGD:
    """θ ← θ − ε_k g (see :func:`course.optim.sgd_step`)."""

    lr: LearningRate

    def __post_init__(self) -> None:
        _check_lr(self.lr)

    def init(self, theta: Array) -> StepState:
        check.float_arrays(theta=theta)
        return StepState(k=0)

    def update(self, theta: Array, state: StepState, grad_fn: GradFn) -> tuple[Array, StepState]:
        g = _gradient(grad_fn, theta, theta)
        lr = _rate(self.lr, state.k)
        _in_place(lambda th, gb: steps.sgd_update(th, gb, lr), theta, g)
        return theta, StepState(state.k + 1)


@dataclass(frozen=True)
class Momentum:
    """v ← α v − ε g; θ ← θ + v (see :func:`course.optim.momentum_step`)."""

    lr: LearningRate
    alpha: float = 0.9

    def __post_init__(self) -> None:
        _check_lr(self.lr)
        check.unit_interval("alpha", self.alpha)

    def init(self, theta: Array) -> VelocityState:
        return VelocityState(v=_zeros(theta), k=0)

    def update(self, theta: Array, state: VelocityState, grad_fn: GradFn) -> tuple[Array, VelocityState]:
        g = _gradient(grad_fn, theta, theta)
        lr = _rate(self.lr, state.k)
        _in_place(lambda th, v, gb: steps.momentum_update(th, v, gb, lr, self.alpha), theta, state.v, g)
        return theta, VelocityState(state.v, state.k + 1)


@dataclass(frozen=True)
class Nesterov:
    """v ← α v − ε ∇f(θ + α v); θ ← θ + v (see :func:`course.optim.nesterov_step`)."""

    lr: LearningRate
    alpha: float = 0.9

    def __post_init__(self) -> None:
        _check_lr(self.lr)
        check.unit_interval("alpha", self.alpha)

    def init(self, theta: Array) -> VelocityState:
        return VelocityState(v=_zeros(theta), k=0)

    def update(self, theta: Array, state: VelocityState, grad_fn: GradFn) -> tuple[Array, VelocityState]:
        g = _gradient(grad_fn, theta + self.alpha * state.v, theta)
        lr = _rate(self.lr, state.k)
        _in_place(lambda th, v, gb: steps.momentum_update(th, v, gb, lr, self.alpha), theta, state.v, g)
        return theta, VelocityState(state.v, state.k + 1)


@dataclass(frozen=True)
class AdaGrad:
    """r ← r + g ⊙ g; θ ← θ − ε/(δ + √r) ⊙ g (see :func:`course.optim.adagrad_step`)."""

    lr: LearningRate
    delta: float = 1e-7

    def __post_init__(self) -> None:
        _check_lr(self.lr)
        check.positive("delta", self.delta)

    def init(self, theta: Array) -> SquaresState:
        return SquaresState(r=_zeros(theta), k=0)

    def update(self, theta: Array, state: SquaresState, grad_fn: GradFn) -> tuple[Array, SquaresState]:
        xp = get_namespace(theta)
        g = _gradient(grad_fn, theta, theta)
        lr = _rate(self.lr, state.k)
        _in_place(lambda th, r, gb: steps.adagrad_update(xp, th, r, gb, lr, self.delta), theta, state.r, g)
        return theta, SquaresState(state.r, state.k + 1)


@dataclass(frozen=True)
class RMSProp:
    """r ← ρ r + (1 − ρ) g ⊙ g; θ ← θ − ε/√(δ + r) ⊙ g (see :func:`course.optim.rmsprop_step`)."""

    lr: LearningRate
    rho: float = 0.9
    delta: float = 1e-6

    def __post_init__(self) -> None:
        _check_lr(self.lr)
        check.unit_interval("rho", self.rho)
        check.positive("delta", self.delta)

    def init(self, theta: Array) -> SquaresState:
        return SquaresState(r=_zeros(theta), k=0)

    def update(self, theta: Array, state: SquaresState, grad_fn: GradFn) -> tuple[Array, SquaresState]:
        xp = get_namespace(theta)
        g = _gradient(grad_fn, theta, theta)
        lr = _rate(self.lr, state.k)
        _in_place(
            lambda th, r, gb: steps.rmsprop_update(xp, th, r, gb, lr, self.rho, self.delta),
            theta,
            state.r,
            g,
        )
        return theta, SquaresState(state.r, state.k + 1)


@dataclass(frozen=True)
class RMSPropNesterov:
    """RMSProp with Nesterov momentum (see :func:`course.optim.rmsprop_nesterov_step`)."""

    lr: LearningRate
    alpha: float = 0.9
    rho: float = 0.9
    delta: float = 1e-6

    def __post_init__(self) -> None:
        _check_lr(self.lr)
        check.unit_interval("alpha", self.alpha)
        check.unit_interval("rho", self.rho)
        check.positive("delta", self.delta)

    def init(self, theta: Array) -> VelocitySquaresState:
        return VelocitySquaresState(v=_zeros(theta), r=_zeros(theta), k=0)

    def update(
        self, theta: Array, state: VelocitySquaresState, grad_fn: GradFn
    ) -> tuple[Array, VelocitySquaresState]:
        xp = get_namespace(theta)
        g = _gradient(grad_fn, theta + self.alpha * state.v, theta)
        lr = _rate(self.lr, state.k)
        _in_place(
            lambda th, v, r, gb: steps.rmsprop_momentum_update(
                xp, th, v, r, gb, lr, self.alpha, self.rho, self.delta
            ),
            theta,
            state.v,
            state.r,
            g,
        )
        return theta, VelocitySquaresState(state.v, state.r, state.k + 1)


@dataclass(frozen=True)
class Adam:
    """Adam with bias correction (see :func:`course.optim.adam_step`)."""

    lr: LearningRate = 1e-3
    rho1: float = 0.9
    rho2: float = 0.999
    delta: float = 1e-8

    def __post_init__(self) -> None:
        _check_lr(self.lr)
        check.unit_interval("rho1", self.rho1)
        check.unit_interval("rho2", self.rho2)
        check.positive("delta", self.delta)

    def init(self, theta: Array) -> MomentsState:
        return MomentsState(s=_zeros(theta), r=_zeros(theta), k=0)

    def update(self, theta: Array, state: MomentsState, grad_fn: GradFn) -> tuple[Array, MomentsState]:
        xp = get_namespace(theta)
        g = _gradient(grad_fn, theta, theta)
        lr = _rate(self.lr, state.k)
        t = state.k + 1
        _in_place(
            lambda th, s, r, gb: steps.adam_update(xp, th, s, r, gb, t, lr, self.rho1, self.rho2, self.delta),
            theta,
            state.s,
            state.r,
            g,
        )
        return theta, MomentsState(state.s, state.r, t)


Optimizer = Union[SGD, Momentum, Nesterov, AdaGrad, RMSProp, RMSPropNesterov, Adam]
