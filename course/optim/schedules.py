"""Learning-rate schedules ε_k as plain functions of the step number k."""

from __future__ import annotations

from course import validation as check


def linear_decay(k: int, eps0: float, eps_tau: float, tau: int) -> float:
    """Linear decay from ε₀ to ε_τ over τ steps, then constant.

    ε_k = (1 − α) ε₀ + α ε_τ with α = k/τ for k ≤ τ, and ε_k = ε_τ for k > τ.
    The book suggests ε_τ ≈ 1% of ε₀.

    Parameters
    ----------
    k : int
        Step number, k ≥ 0.
    eps0, eps_tau : float
        Initial and final learning rates (> 0).
    tau : int
        Number of steps of the decay, τ ≥ 1.

    Returns
    -------
    float
        The learning rate ε_k.
    """
    k = check.integer("k", k, minimum=0)
    eps0 = check.positive("eps0", eps0)
    eps_tau = check.positive("eps_tau", eps_tau)
    tau = check.integer("tau", tau, minimum=1)
    alpha = min(k / tau, 1.0)
    return (1 - alpha) * eps0 + alpha * eps_tau


def warmup(k: int, eps: float, steps: int) -> float:
    """Linear warm-up: ε_k = ε · min(1, (k + 1) / steps).

    The rate ramps linearly from 0 (before step 0) to ε, reached at step
    k = steps − 1, and stays there; so even step 0 moves (by ε/steps).

    Parameters
    ----------
    k : int
        Step number, k ≥ 0.
    eps : float
        Learning rate after warm-up (> 0).
    steps : int
        Length of the ramp, ≥ 1.

    Returns
    -------
    float
        The learning rate ε_k.
    """
    k = check.integer("k", k, minimum=0)
    eps = check.positive("eps", eps)
    steps = check.integer("steps", steps, minimum=1)
    return eps * min(1.0, (k + 1) / steps)
