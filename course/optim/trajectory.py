"""Run an optimizer on a problem and record what the plots need."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from course import validation as check
from course.backend import to_numpy

Array = Any


@dataclass
class Trajectory:
    """What :func:`run` recorded, on the host, in the style of ``scipy.optimize.OptimizeResult``.

    Attributes
    ----------
    x : numpy.ndarray
        The last iterate.
    iterates : numpy.ndarray or None
        θ₀, θ₁, …, one row per recorded point (None if not recorded).
    losses : numpy.ndarray
        f(θ_k) for every recorded point.
    grad_norms : numpy.ndarray
        ‖∇f(θ_k)‖ for every recorded point.
    steps : int
        The number of updates made.
    diverged_at : int or None
        The step after which the loss became non-finite or blew up, if it did.
    message : str
        What happened, in words.
    """

    x: np.ndarray
    iterates: np.ndarray | None
    losses: np.ndarray
    grad_norms: np.ndarray
    steps: int
    diverged_at: int | None = None
    message: str = ""
    success: bool = field(init=False)

    def __post_init__(self) -> None:
        self.success = self.diverged_at is None


def run(
    optimizer: Any,
    problem: Any,
    theta0: Array,
    steps: int,
    grad_fn: Callable[[Array], Array] | None = None,
    record_iterates: bool = True,
    blowup: float = 1e8,
) -> Trajectory:
    """Take ``steps`` updates of ``optimizer`` on ``problem`` from ``theta0``.

    Parameters
    ----------
    optimizer
        An object with ``init(theta)`` and ``update(theta, state, grad_fn)``,
        e.g. :class:`course.optim.Adam`.
    problem
        An objective with ``value(x)`` and ``grad(x)`` (see :mod:`course.problems`).
    theta0 : array
        Starting point; it is copied, never modified.
    steps : int
        Number of updates, ≥ 0.
    grad_fn : callable, optional
        The gradient the optimizer follows, e.g. a minibatch estimate;
        ``problem.grad`` by default. Losses are always those of ``problem``.
    record_iterates : bool
        Keep every iterate (turn off for large θ).
    blowup : float
        Divergence is declared when the loss is non-finite or exceeds
        ``blowup · (1 + |f(θ₀)|)``; the run then stops early.

    Returns
    -------
    Trajectory
    """
    xp = check.float_arrays(theta0=theta0)
    steps = check.integer("steps", steps, minimum=0)
    blowup = check.positive("blowup", blowup)
    grad_fn = problem.grad if grad_fn is None else grad_fn
    theta = xp.asarray(theta0, copy=True)
    state = optimizer.init(theta)

    iterates, losses, grad_norms = [], [], []

    def record(x: Array) -> float:
        loss = float(problem.value(x))
        losses.append(loss)
        grad_norms.append(float(xp.linalg.vector_norm(problem.grad(x))) if math.isfinite(loss) else math.nan)
        if record_iterates:
            iterates.append(to_numpy(xp.asarray(x, copy=True)))
        return loss

    limit = blowup * (1 + abs(record(theta)))
    diverged_at, message = None, f"finished {steps} steps"
    for k in range(1, steps + 1):
        theta, state = optimizer.update(theta, state, grad_fn)
        finite = bool(xp.all(xp.isfinite(theta)))
        loss = record(theta) if finite else math.nan
        if not finite or not math.isfinite(loss) or loss > limit:
            if not finite:
                losses.append(math.nan)
                grad_norms.append(math.nan)
            diverged_at = k
            message = (
                f"diverged at step {k}: the loss became {loss:.3g}"
                f" (from {losses[0]:.3g}); try a smaller learning rate"
            )
            break
    return Trajectory(
        x=to_numpy(theta),
        iterates=np.stack(iterates) if record_iterates else None,
        losses=np.asarray(losses),
        grad_norms=np.asarray(grad_norms),
        steps=len(losses) - 1,
        diverged_at=diverged_at,
        message=message,
    )
