"""Small synthetic classification datasets, made from a seed (nothing is downloaded).

The points are drawn in NumPy with ``numpy.random.default_rng(seed)`` (NumPy-only by
design) and returned as NumPy arrays, or converted with ``xp.asarray`` when an array
module ``xp`` is given: X as float64 of shape (N, 2 or d), y as int64 labels
0, …, C − 1 of shape (N,).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course import validation as check

__all__ = ["blobs", "spirals"]


def _convert(X: np.ndarray, y: np.ndarray, xp: Any) -> tuple[Any, Any]:
    if xp is None:
        return X, y
    return xp.asarray(X, dtype=xp.float64), xp.asarray(y, dtype=xp.int64)


def spirals(
    n_per_class: int, n_classes: int = 3, noise: float = 0.2, seed: int = 0, xp: Any = None
) -> tuple[Any, Any]:
    """Interleaved spiral arms in the plane, one per class (the CS231n toy problem).

    Point i of class c sits at radius rᵢ = i/(n − 1) and angle
    tᵢ = 4c + 4 rᵢ + ε, ε ~ N(0, noise²): (x₁, x₂) = rᵢ (sin tᵢ, cos tᵢ). No linear
    classifier separates the arms; a small MLP does.

    Parameters
    ----------
    n_per_class : int
        Points per class, ≥ 2.
    n_classes : int
        Number of arms C, ≥ 2.
    noise : float
        Standard deviation of the angle noise, ≥ 0.
    seed : int
        Seed of the generator.
    xp : module, optional
        Array module of the result; NumPy arrays when omitted.

    Returns
    -------
    X : array, shape (C n, 2), float64
    y : array, shape (C n,), int64, grouped by class
    """
    n = check.integer("n_per_class", n_per_class, 2)
    n_classes = check.integer("n_classes", n_classes, 2)
    noise = check.non_negative("noise", noise)
    rng = np.random.default_rng(seed)
    r = np.tile(np.linspace(0.0, 1.0, n), n_classes)
    y = np.repeat(np.arange(n_classes), n)
    t = 4.0 * y + 4.0 * r + noise * rng.standard_normal(n * n_classes)
    X = r[:, None] * np.stack([np.sin(t), np.cos(t)], axis=1)
    return _convert(X, y, xp)


def blobs(n: int, centers: Any, std: float = 1.0, seed: int = 0, xp: Any = None) -> tuple[Any, Any]:
    """Isotropic Gaussian blobs: xᵢ ~ N(centers[yᵢ], std² I).

    The labels are 0, 1, …, C − 1, 0, 1, … (balanced to within one point), in
    random order.

    Parameters
    ----------
    n : int
        Number of points N, ≥ 1.
    centers : array_like, shape (C, d)
        One centre per class.
    std : float
        Standard deviation of every coordinate, ≥ 0.
    seed : int
        Seed of the generator.
    xp : module, optional
        Array module of the result; NumPy arrays when omitted.

    Returns
    -------
    X : array, shape (N, d), float64
    y : array, shape (N,), int64
    """
    n = check.integer("n", n, 1)
    centers = np.asarray(centers, dtype=np.float64)
    if centers.ndim != 2 or centers.shape[0] < 1 or centers.shape[1] < 1:
        raise ValueError(f"centers must be a (C, d) array of class centres, got shape {centers.shape}")
    if not np.all(np.isfinite(centers)):
        raise ValueError("centers contains non-finite values (inf or nan)")
    std = check.non_negative("std", std)
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(n) % centers.shape[0])
    X = centers[y] + std * rng.standard_normal((n, centers.shape[1]))
    return _convert(X, y, xp)
