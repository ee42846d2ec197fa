"""SGD on a quadratic with noisy gradients: the noise floor, and what the batch size buys.

The model (a "noisy quadratic model"): f(θ) = ½ Σᵢ λᵢ θᵢ² in the eigenbasis of its
Hessian, and a minibatch gradient whose component i is λᵢθᵢ + ξᵢ, the noise ξᵢ
independent from step to step with mean 0 and variance cᵢ/m (the mean of m
per-example gradients of variance cᵢ). SGD with a constant ε then acts on each
coordinate on its own: θᵢ ← (1 − ελᵢ) θᵢ − ε ξᵢ, so

    E[θᵢ²]_{k+1} = (1 − ελᵢ)² E[θᵢ²]_k + ε² cᵢ / m,

a recursion with the closed form E[θᵢ²]_k = Fᵢ + (θᵢ,₀² − Fᵢ) (1 − ελᵢ)^{2k} around its
fixed point Fᵢ = ε cᵢ / (m λᵢ (2 − ελᵢ)) (for 0 < ελᵢ < 2). The expected excess loss
is ½ Σᵢ λᵢ E[θᵢ²]_k; it settles at the **noise floor** ½ Σᵢ λᵢ Fᵢ, about
ε Σᵢ cᵢ / (4m) for small ε: it depends on ε and m only through ε/m.

:func:`sgd_noise_floor` is lecture 03's exercise (one coordinate);
:func:`expected_sgd_loss` and :func:`steps_to_target` drive its batch-size explorer.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from course import validation as check
from course.backend import get_namespace

Array = Any


def sgd_noise_floor(lam: float, lr: float, sigma: float, m: int) -> float:
    """The excess loss at which SGD with a constant rate settles on f(θ) = ½ λ θ².

    The minibatch gradient is λθ + ξ, with ξ independent at every step, of mean 0
    and variance σ²/m. From θ ← (1 − ελ) θ − ε ξ, the second moment obeys
    E[θ²] ← (1 − ελ)² E[θ²] + ε² σ²/m, whose fixed point is
    E[θ²] = ε σ² / (m λ (2 − ελ)) when 0 < ελ < 2; the expected excess loss there is

        E[f(θ)] − f* = ½ λ E[θ²] = ε σ² / (2 m (2 − ελ)),

    about ε σ² / (4m) for small ε. For ελ ≥ 2 SGD diverges: the floor is infinite.

    Parameters
    ----------
    lam : float
        λ > 0, the curvature.
    lr : float
        ε > 0, the constant learning rate.
    sigma : float
        σ ≥ 0, the standard deviation of one example's gradient noise.
    m : int
        The minibatch size, ≥ 1.

    Returns
    -------
    float
        The noise floor, ``math.inf`` when ελ ≥ 2.
    """
    lam = check.positive("lam", lam)
    lr = check.positive("lr", lr)
    sigma = check.non_negative("sigma", sigma)
    m = check.integer("m", m, minimum=1)
    if lr * lam >= 2:
        return math.inf
    return lr * sigma**2 / (2 * m * (2 - lr * lam))


def expected_sgd_loss(lams: Array, noise: Array, theta0: Array, lr: float, batch_size: int,
                      steps: Array) -> Array:
    """E[f(θ_k)] − f* of SGD with a constant ε and batch size m on the noisy quadratic model.

    E f(θ_k) − f* = ½ Σᵢ λᵢ (Fᵢ + (θᵢ,₀² − Fᵢ) rᵢᵏ), rᵢ = (1 − ελᵢ)², Fᵢ = ε² cᵢ / (m (1 − rᵢ))
    (the module docstring derives it). Where ελᵢ > 2 the same formula grows without
    bound (rᵢ > 1, Fᵢ < 0); where ελᵢ = 2, E[θᵢ²]_k = θᵢ,₀² + k ε² cᵢ / m.

    Parameters
    ----------
    lams : array, shape (n,)
        The eigenvalues λᵢ > 0 of the Hessian.
    noise : array, shape (n,)
        cᵢ ≥ 0, the variance of one example's gradient along eigenvector i.
    theta0 : array, shape (n,)
        The start, in the eigenbasis (the minimum is θ = 0).
    lr : float
        ε > 0.
    batch_size : int
        m ≥ 1.
    steps : array of int, shape (K,)
        The step counts k ≥ 0 to evaluate at.

    Returns
    -------
    array, shape (K,)
        The expected excess loss after each number of steps.
    """
    xp = check.float_arrays(lams=lams, noise=noise, theta0=theta0)
    lr = check.positive("lr", lr)
    m = check.integer("batch_size", batch_size, minimum=1)
    if float(xp.min(lams)) <= 0:
        raise ValueError("lams must be positive: the model is a positive-definite quadratic")
    if float(xp.min(noise)) < 0:
        raise ValueError("noise holds variances: they must be >= 0")
    k = xp.reshape(xp.asarray(steps, dtype=lams.dtype), (-1, 1))
    r = (1.0 - lr * lams) ** 2
    kick = lr**2 * noise / m  # the variance ε² cᵢ / m that each step adds
    flat = r == 1.0  # ελᵢ = 2: the moment grows by the kick per step
    floor = kick / xp.where(flat, 1.0, 1.0 - r)  # negative where rᵢ > 1, and then 1 − rᵏ < 0
    with np.errstate(all="ignore"):  # NumPy: rᵏ overflows to inf for a diverging coordinate
        moment = xp.where(flat, theta0**2 + kick * k, theta0**2 * r**k + floor * (1.0 - r**k))
    return 0.5 * xp.sum(lams * moment, axis=1)


def steps_to_target(lams: Array, noise: Array, theta0: Array, lr: float, batch_size: int, target: float,
                    max_steps: int = 10**6) -> float:
    """The fewest steps k ≤ ``max_steps`` with E[f(θ_k)] − f* ≤ ``target`` (:func:`expected_sgd_loss`),
    or ``math.inf`` if there are none (the floor lies above the target, or SGD diverges).

    Found on a geometric grid of k, then by bisection between the grid's first point
    at or below the target and the one before it.
    """
    target = check.positive("target", target)
    max_steps = check.integer("max_steps", max_steps, minimum=1)
    grid = np.unique(np.geomspace(1, max_steps, 600).astype(np.int64))
    grid = np.concatenate([[0], grid])
    xp = get_namespace(lams)
    values = np.asarray(expected_sgd_loss(lams, noise, theta0, lr, batch_size, xp.asarray(grid)), dtype=float)
    below = np.nonzero(values <= target)[0]
    if below.size == 0:
        return math.inf
    if below[0] == 0:
        return 0.0
    low, high = int(grid[below[0] - 1]), int(grid[below[0]])  # value(low) > target >= value(high)
    while high - low > 1:
        mid = (low + high) // 2
        value = float(expected_sgd_loss(lams, noise, theta0, lr, batch_size, xp.asarray([mid]))[0])
        low, high = (low, mid) if value <= target else (mid, high)
    return float(high)
