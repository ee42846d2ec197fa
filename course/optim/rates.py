"""How fast momentum converges on a quadratic, and how far noise keeps it from the minimum.

On f(θ) = ½ λ θ² the gradient is g = λθ, and the book's momentum update
(v ← α v − ε g;  θ ← θ + v) is linear in the pair (θ, v):

    (θ, v) ← M (θ, v),   M = [[1 − ελ, α], [−ελ, α]],

with characteristic polynomial z² − (1 + α − ελ) z + α. The error shrinks like
ρ(M)ᵏ, ρ(M) being the spectral radius of M (the largest modulus of its
eigenvalues): :func:`momentum_rate`. The roots multiply to α, so complex roots
have modulus √α; real roots leave the unit circle through z = −1 when
ελ = 2(1 + α): :func:`largest_stable_momentum_lr`. All eigenvalues of the Hessian in
[λ_min, λ_max] converge at the rate √α as soon as (1 − √α)² ≤ ελ ≤ (1 + √α)²
for each of them; the smallest such √α gives :func:`optimal_momentum`.
With a constant gradient the velocity tends to −εg/(1 − α): :func:`terminal_velocity`.
With gradient noise the iterates settle at a noise floor: :func:`stationary_loss`.

These are scalar formulas: they take and return Python numbers (except
:func:`terminal_velocity`, which works on an array of any array-API library).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from course import validation as check

Array = Any


def momentum_matrix(lam: float, lr: float, alpha: float, nesterov: bool = False) -> np.ndarray:
    """The 2×2 matrix M of one step of momentum on f(θ) = ½ λ θ²: (θ, v) ← M (θ, v).

    Momentum (v ← α v − ε λ θ;  θ ← θ + v):  M = [[1 − ελ, α], [−ελ, α]].
    Nesterov (gradient at θ + α v):  M = [[1 − ελ, α(1 − ελ)], [−ελ, α(1 − ελ)]].
    α = 0 gives gradient descent (θ ← (1 − ελ) θ) in both.

    Parameters
    ----------
    lam : float
        Curvature λ ≥ 0 (an eigenvalue of the Hessian).
    lr : float
        Learning rate ε > 0.
    alpha : float
        Momentum parameter α in [0, 1).
    nesterov : bool
        Nesterov momentum instead of the book's (heavy-ball) momentum.

    Returns
    -------
    numpy.ndarray
        M, of shape (2, 2), acting on the column (θ, v).
    """
    lam = check.non_negative("lam", lam)
    lr = check.positive("lr", lr)
    alpha = check.unit_interval("alpha", alpha)
    if nesterov:
        return np.array([[1 - lr * lam, alpha * (1 - lr * lam)], [-lr * lam, alpha * (1 - lr * lam)]])
    return np.array([[1 - lr * lam, alpha], [-lr * lam, alpha]])


def momentum_rate(lam: float, lr: float, alpha: float) -> float:
    """The rate of momentum on f(θ) = ½ λ θ²: the spectral radius of its 2×2 iteration.

    The eigenvalues of M = [[1 − ελ, α], [−ελ, α]] are the roots of
    z² − (1 + α − ελ) z + α, z = (t ± √(t² − 4α))/2 with t = 1 + α − ελ.
    When t² < 4α they are complex conjugates of modulus √α (their product is α);
    otherwise they are real, and the rate is the larger of their moduli,
    (|t| + √(t² − 4α))/2. A rate above 1 means divergence.

    Parameters
    ----------
    lam : float
        Curvature λ ≥ 0.
    lr : float
        Learning rate ε > 0.
    alpha : float
        Momentum parameter α in [0, 1).

    Returns
    -------
    float
        ρ = max |z| over the two eigenvalues z of M.
    """
    lam = check.non_negative("lam", lam)
    lr = check.positive("lr", lr)
    alpha = check.unit_interval("alpha", alpha)
    t = 1 + alpha - lr * lam
    discriminant = t * t - 4 * alpha
    if discriminant < 0:
        return math.sqrt(alpha)
    return (abs(t) + math.sqrt(discriminant)) / 2


def largest_stable_momentum_lr(lam: float, alpha: float) -> float:
    """The largest learning rate at which momentum converges on f(θ) = ½ λ θ².

    Complex roots of z² − (1 + α − ελ) z + α have modulus √α < 1; real roots
    leave the unit circle at z = 1 (never: the polynomial there is ελ > 0) or
    at z = −1, where 2(1 + α) − ελ = 0. So momentum converges iff
    0 < ελ < 2(1 + α): the limit is ε = 2(1 + α)/λ (2/λ for α = 0, gradient descent).

    Parameters
    ----------
    lam : float
        Curvature λ > 0.
    alpha : float
        Momentum parameter α in [0, 1).

    Returns
    -------
    float
        2(1 + α)/λ; every smaller ε > 0 converges, this one and larger do not.
    """
    lam = check.positive("lam", lam)
    alpha = check.unit_interval("alpha", alpha)
    return 2 * (1 + alpha) / lam


def optimal_momentum(lam_min: float, lam_max: float) -> tuple[float, float]:
    """The constants (ε, α) of momentum that minimise its worst rate over [λ_min, λ_max].

    Every curvature λ with (1 − √α)² ≤ ελ ≤ (1 + √α)² converges at the rate √α,
    the smallest any λ can have. Putting λ_min on the left edge and λ_max on the
    right one, √(ελ_min) = 1 − √α and √(ελ_max) = 1 + √α, gives

        ε* = 4/(√λ_max + √λ_min)²,   α* = ((√κ − 1)/(√κ + 1))²,  κ = λ_max/λ_min,

    and the rate √α* = (√κ − 1)/(√κ + 1), against gradient descent's best
    (κ − 1)/(κ + 1) (at ε = 2/(λ_min + λ_max)).

    Parameters
    ----------
    lam_min, lam_max : float
        The smallest and largest curvature (eigenvalues of the Hessian), 0 < λ_min ≤ λ_max.

    Returns
    -------
    lr, alpha : float
        ε* and α*.
    """
    lam_min = check.positive("lam_min", lam_min)
    lam_max = check.positive("lam_max", lam_max)
    if lam_min > lam_max:
        raise ValueError(f"lam_min must be <= lam_max, got {lam_min} > {lam_max}")
    root_min, root_max = math.sqrt(lam_min), math.sqrt(lam_max)
    lr = 4 / (root_max + root_min) ** 2
    alpha = ((root_max - root_min) / (root_max + root_min)) ** 2
    return lr, alpha


def optimal_gradient_descent(lam_min: float, lam_max: float) -> tuple[float, float]:
    """The best constant learning rate of gradient descent over [λ_min, λ_max], and its rate.

    Gradient descent multiplies the error along λ by 1 − ελ; the worst factor
    max(|1 − ελ_min|, |1 − ελ_max|) is smallest where the two are equal:
    ε = 2/(λ_min + λ_max), rate (κ − 1)/(κ + 1) with κ = λ_max/λ_min.

    Parameters
    ----------
    lam_min, lam_max : float
        The smallest and largest curvature, 0 < λ_min ≤ λ_max.

    Returns
    -------
    lr, rate : float
        2/(λ_min + λ_max) and (κ − 1)/(κ + 1).
    """
    lam_min = check.positive("lam_min", lam_min)
    lam_max = check.positive("lam_max", lam_max)
    if lam_min > lam_max:
        raise ValueError(f"lam_min must be <= lam_max, got {lam_min} > {lam_max}")
    return 2 / (lam_min + lam_max), (lam_max - lam_min) / (lam_max + lam_min)


def terminal_velocity(g: Array, lr: float, alpha: float) -> Array:
    """The velocity momentum reaches under a constant gradient g.

    From v = 0, v_k = −ε g (1 + α + … + α^(k−1)) = −ε g (1 − α^k)/(1 − α), which
    tends to −ε g/(1 − α): the steps become 1/(1 − α) times plain gradient
    descent's (10× for α = 0.9).

    Parameters
    ----------
    g : array
        The constant gradient.
    lr : float
        Learning rate ε > 0.
    alpha : float
        Momentum parameter α in [0, 1).

    Returns
    -------
    array
        −ε g/(1 − α), a new array shaped like g.
    """
    check.float_arrays(g=g)
    lr = check.positive("lr", lr)
    alpha = check.unit_interval("alpha", alpha)
    return -(lr / (1 - alpha)) * g


def stationary_loss(lam: float, lr: float, alpha: float, sigma: float, nesterov: bool = False) -> float:
    """E f(θ) at the noise floor of momentum on f(θ) = ½ λ θ² with noisy gradients.

    Each step sees the gradient λθ + σξ with independent ξ ~ N(0, 1), so
    x = (θ, v) follows x ← M x + b ξ with b = (−εσ, −εσ) and M of
    :func:`momentum_matrix`. When ρ(M) < 1 the covariance of x settles at the
    solution P of the Lyapunov equation P = M P Mᵀ + b bᵀ, and E f = ½ λ P_θθ.
    For the book's momentum P_θθ = εσ²(1 + α)/(λ(1 − α)(2(1 + α) − ελ)), so
    E f ≈ εσ²/(4(1 − α)) for small ελ: the floor of gradient descent with the
    rate ε/(1 − α).

    Parameters
    ----------
    lam : float
        Curvature λ > 0.
    lr : float
        Learning rate ε > 0.
    alpha : float
        Momentum parameter α in [0, 1) (0: gradient descent).
    sigma : float
        Standard deviation σ ≥ 0 of the gradient noise.
    nesterov : bool
        Nesterov momentum (noise on the gradient at the look-ahead point).

    Returns
    -------
    float
        The stationary E f(θ); ``inf`` where the iteration does not converge.
    """
    lam = check.positive("lam", lam)
    sigma = check.non_negative("sigma", sigma)
    M = momentum_matrix(lam, lr, alpha, nesterov)
    if max(abs(np.linalg.eigvals(M))) >= 1:
        return math.inf
    b = np.array([-lr * sigma, -lr * sigma])
    covariance = np.linalg.solve(np.eye(4) - np.kron(M, M), np.outer(b, b).ravel()).reshape(2, 2)
    return 0.5 * lam * float(covariance[0, 0])
