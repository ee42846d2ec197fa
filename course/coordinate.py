"""Coordinate descent, block coordinate descent and averaged iterates (lecture 08).

:func:`coordinate_descent`
    exact minimization over one coordinate at a time of a quadratic, e.g.
    :func:`course.problems.coupled_quadratic` f(x) = (x₁ − x₂)² + α(x₁² + x₂²), whose
    staircase path crawls to the minimum when α is small;
:func:`sparse_coding`
    block coordinate descent on J(H, W) = λ Σ|H_ij| + Σ(X − WᵀH)²_ij, which is
    convex in each block: exact lasso coordinate updates for H, least squares for W;
:func:`averaged_iterates`
    Polyak averages θ̂_t = (1/t) Σ_{i≤t} θ_i and moving averages
    θ̂_t = α θ̂_{t−1} + (1 − α) θ_t along a path, with :func:`course.optim.ema`.

The arithmetic uses the array-API namespace of the inputs.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from course import validation as check
from course.optim import ema
from course.problems import Quadratic

__all__ = [
    "SparseCoding",
    "averaged_iterates",
    "coordinate_descent",
    "sparse_coding",
    "sparse_coding_objective",
]

Array = Any


def coordinate_descent(problem: Quadratic, x0: Array, sweeps: int) -> Array:
    """Cyclic coordinate descent with exact minimization on f(x) = ½ xᵀAx − bᵀx.

    Coordinate i is set to the minimizer of f over xᵢ with the others fixed,
    ∂f/∂xᵢ = 0:  xᵢ ← (bᵢ − Σ_{j≠i} A_ij x_j) / A_ii.
    On the coupled quadratic (x₁ − x₂)² + α(x₁² + x₂²) this reads
    x₁ ← x₂/(1 + α), then x₂ ← x₁/(1 + α): every sweep shrinks x by the factor
    1/(1 + α)², so for small α the path needs about 1/α sweeps per e-fold.

    Parameters
    ----------
    problem : Quadratic
        With A_ii > 0 for every i (e.g. positive definite).
    x0 : array, shape (n,)
        Starting point, of the problem's library.
    sweeps : int
        Passes over the n coordinates, ≥ 0.

    Returns
    -------
    array, shape (n · sweeps + 1, n)
        The staircase: x0, then the point after each single-coordinate update.
    """
    if not isinstance(problem, Quadratic):
        raise TypeError(f"problem must be a course.problems.Quadratic, got {type(problem).__name__}")
    xp = check.float_arrays(x0=x0)
    if xp is not problem.xp or tuple(x0.shape) != (problem.dim,):
        raise ValueError(f"x0 must be a 1-D {problem.xp.__name__} array of length {problem.dim}, "
                         f"got a {xp.__name__} array of shape {tuple(x0.shape)}")
    sweeps = check.integer("sweeps", sweeps, 0)
    A, b = problem.A, problem.b
    diag = xp.linalg.diagonal(A)
    if not bool(xp.all(diag > 0)):
        raise ValueError("problem.A must have a positive diagonal (A_ii > 0): otherwise f has no "
                         "minimum along coordinate i")
    x = xp.asarray(x0, copy=True)
    path = [xp.asarray(x, copy=True)]
    for _ in range(sweeps):
        for i in range(problem.dim):
            x[i] = (b[i] - (A[i, :] @ x - A[i, i] * x[i])) / A[i, i]
            path.append(xp.asarray(x, copy=True))
    return xp.stack(path)


class SparseCoding(NamedTuple):
    """The result of :func:`sparse_coding`."""

    H: Array  # codes, (k, n)
    W: Array  # dictionary, (k, p)
    objective: Array  # J after 0, 1, …, sweeps sweeps, (sweeps + 1,)


def _check_sparse_coding(X: Array, H: Array, W: Array, lam: float) -> tuple[Any, float]:
    xp = check.float_arrays(X=X)
    if check.float_arrays(H=H) is not xp or check.float_arrays(W=W) is not xp:
        raise TypeError("X, H and W must be arrays of one library")
    if X.ndim != 2 or H.ndim != 2 or W.ndim != 2:
        raise ValueError("X, H and W must be 2-D arrays")
    p, n = X.shape
    if W.shape[1] != p or H.shape != (W.shape[0], n):
        raise ValueError(f"with X of shape (p, n) = {tuple(X.shape)}, W must have shape (k, {p}) and H "
                         f"shape (k, {n}); got W {tuple(W.shape)} and H {tuple(H.shape)}")
    return xp, check.non_negative("lam", lam)


def sparse_coding_objective(X: Array, H: Array, W: Array, lam: float) -> Array:
    """J(H, W) = λ Σ_ij |H_ij| + Σ_ij (X − WᵀH)²_ij, a 0-d array.

    Shapes: X (p, n) with the n examples as columns, W (k, p) with the k dictionary
    atoms as rows, H (k, n) with the code of example j in column j.
    """
    xp, lam = _check_sparse_coding(X, H, W, lam)
    return _objective(xp, X, H, W, lam)


def _objective(xp: Any, X: Array, H: Array, W: Array, lam: float) -> Array:
    R = X - xp.matrix_transpose(W) @ H
    return lam * xp.sum(xp.abs(H)) + xp.sum(R * R)


def _soft_threshold(xp: Any, z: Array, t: float) -> Array:
    """sign(z) max(|z| − t, 0)."""
    return xp.sign(z) * xp.clip(xp.abs(z) - t, min=0.0)


def _update_codes(xp: Any, X: Array, H: Array, W: Array, lam: float) -> Array:
    """One pass of exact coordinate updates over the rows of H (the H block).

    With R_i = X − WᵀH + w_i h_iᵀ the residual without atom i (w_i = row i of W),
    J is, in row h_i, Σ_j [‖w_i‖² h_ij² − 2 h_ij w_iᵀR_i[:, j] + λ|h_ij|] + const,
    minimized by h_ij = soft(w_iᵀR_i[:, j], λ/2) / ‖w_i‖² (0 when w_i = 0).
    """
    H = xp.asarray(H, copy=True)
    R = X - xp.matrix_transpose(W) @ H
    for i in range(H.shape[0]):
        w = W[i, :]
        norm2 = float(xp.sum(w * w))
        R = R + w[:, None] * H[i, :][None, :]
        h = _soft_threshold(xp, w @ R, lam / 2) / norm2 if norm2 > 0 else xp.zeros_like(H[i, :])
        H[i, :] = h
        R = R - w[:, None] * h[None, :]
    return H


def _update_dictionary(xp: Any, X: Array, H: Array) -> Array:
    """The W block: least squares, W = argmin ‖X − WᵀH‖² = (Hᵀ)⁺ Xᵀ (the minimum-norm
    solution when H is rank deficient, e.g. when an atom is unused)."""
    return xp.linalg.pinv(xp.matrix_transpose(H)) @ xp.matrix_transpose(X)


def sparse_coding(X: Array, W0: Array, lam: float, sweeps: int) -> SparseCoding:
    """Block coordinate descent on J(H, W) = λ Σ|H_ij| + Σ(X − WᵀH)²_ij.

    J is not jointly convex, but it is convex in H for fixed W (a lasso) and in W for
    fixed H (least squares), so each sweep minimizes over one block, then the other:

    1. H: one pass of exact coordinate updates over the rows of H (soft-thresholding,
       see ``_update_codes``), which cannot increase J;
    2. W: the exact least-squares minimizer W = (Hᵀ)⁺ Xᵀ.

    J therefore decreases monotonically (up to round-off). H starts at 0.

    Parameters
    ----------
    X : array, shape (p, n)
        Data, one example per column.
    W0 : array, shape (k, p)
        Initial dictionary, one atom per row.
    lam : float
        Sparsity weight λ ≥ 0.
    sweeps : int
        Number of (H, W) sweeps, ≥ 0.

    Returns
    -------
    SparseCoding
        H (k, n), W (k, p) and the objective after 0, 1, …, sweeps sweeps.
    """
    for name, a in (("X", X), ("W0", W0)):
        check.float_arrays(**{name: a})
        if a.ndim != 2:
            raise ValueError(f"{name} must be a 2-D array, got shape {tuple(a.shape)}")
    H = check.float_arrays(W0=W0).zeros((W0.shape[0], X.shape[1]), dtype=W0.dtype)
    xp, lam = _check_sparse_coding(X, H, W0, lam)
    sweeps = check.integer("sweeps", sweeps, 0)
    W = W0
    objective = [_objective(xp, X, H, W, lam)]
    for _ in range(sweeps):
        H = _update_codes(xp, X, H, W, lam)
        W = _update_dictionary(xp, X, H)
        objective.append(_objective(xp, X, H, W, lam))
    return SparseCoding(H, W, xp.stack(objective))


def averaged_iterates(iterates: Array, alpha: float) -> tuple[Array, Array]:
    """Polyak averages and exponential moving averages of a path θ_1, …, θ_T.

    Polyak: θ̂_t = (1/t) Σ_{i≤t} θ_i, computed as the moving average with a weight
    that changes with t, θ̂_t = ((t − 1)/t) θ̂_{t−1} + (1/t) θ_t, by
    :func:`course.optim.ema`; the last row equals :func:`course.optim.polyak_average`
    of the whole path. EMA: θ̂_t = α θ̂_{t−1} + (1 − α) θ_t with θ̂_1 = θ_1.

    Parameters
    ----------
    iterates : array, shape (T, n)
        One iterate per row (e.g. ``Trajectory.iterates`` of :func:`course.optim.run`).
    alpha : float
        EMA decay in [0, 1).

    Returns
    -------
    polyak, moving : array, shape (T, n)
    """
    xp = check.float_arrays(iterates=iterates)
    if iterates.ndim != 2 or iterates.shape[0] < 1:
        raise ValueError(f"iterates must be a (T, n) array with T ≥ 1, got shape {tuple(iterates.shape)}")
    alpha = check.unit_interval("alpha", alpha)
    polyak, moving = [iterates[0, :]], [iterates[0, :]]
    for t in range(2, iterates.shape[0] + 1):
        theta = iterates[t - 1, :]
        polyak.append(ema(polyak[-1], theta, (t - 1) / t))
        moving.append(ema(moving[-1], theta, alpha))
    return xp.stack(polyak), xp.stack(moving)
