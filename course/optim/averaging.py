"""Gradient clipping and iterate averaging (Polyak averaging and its moving-average form)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from course import validation as check

Array = Any


def clip_by_norm(g: Array, max_norm: float) -> Array:
    """Clip the norm of g at max_norm: g · max_norm / ‖g‖ if ‖g‖ > max_norm, else g itself.

    The direction is kept; only a gradient longer than the threshold shrinks
    (the book's remedy for cliffs and exploding gradients). The norm is that of
    all entries together, ‖g‖ = √(Σ gᵢ²), whatever the shape of g.

    Returns
    -------
    array
        g itself when ‖g‖ ≤ max_norm (nothing to clip; the course never changes an
        array in place, so sharing it is safe), else a new array of the norm
        max_norm. g is never modified.
    """
    xp = check.float_arrays(g=g)
    max_norm = check.positive("max_norm", max_norm)
    norm = float(xp.linalg.vector_norm(g))
    return g * (max_norm / norm) if norm > max_norm else g


def polyak_average(thetas: Sequence[Array]) -> Array:
    """Polyak average of the iterates: θ̂_t = (1/t) Σ_{i≤t} θ_i."""
    if len(thetas) == 0:
        raise ValueError("thetas is empty: there is nothing to average")
    xp = check.float_arrays(**{f"thetas[{i}]": x for i, x in enumerate(thetas)})
    return xp.mean(xp.stack(list(thetas)), axis=0)


def ema(prev: Array, theta: Array, alpha: float) -> Array:
    """Exponential moving average of the iterates: θ̂_t = α θ̂_{t−1} + (1 − α) θ_t.

    The form of Polyak averaging used on non-convex problems, where old
    iterates from far-away regions should be forgotten.
    """
    check.float_arrays(prev=prev, theta=theta)
    alpha = check.unit_interval("alpha", alpha)
    return alpha * prev + (1 - alpha) * theta
