"""One update of each first-order method of chapter 8, as a pure function.

Notation as in the book: parameters θ, gradient g, learning rate ε (``lr``).
Every function checks its arguments, computes with the array-API namespace of
its inputs (NumPy, CuPy, ...), returns new arrays and never modifies its inputs:
it copies them and applies the in-place update formula (``*_update``) to the copies.
These are the signatures the notebooks' exercises ask students to implement.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from course import validation as check

Array = Any
GradFn = Callable[[Array], Array]


# The update formulas, in place: each overwrites θ and its buffers with their new
# values. The step functions below check their arguments, copy, and call these on
# the copies; the optimizer objects in ``optimizers.py`` call them block by block
# on buffers they own. One formula per method, so both give the same numbers.


def sgd_update(theta: Array, g: Array, lr: float) -> None:
    """θ ← θ − ε g."""
    theta -= lr * g


def momentum_update(theta: Array, v: Array, g: Array, lr: float, alpha: float) -> None:
    """v ← α v − ε g;  θ ← θ + v."""
    v *= alpha
    v -= lr * g
    theta += v


def adagrad_update(xp: Any, theta: Array, r: Array, g: Array, lr: float, delta: float) -> None:
    """r ← r + g ⊙ g;  θ ← θ − ε / (δ + √r) ⊙ g."""
    r += g * g
    theta -= lr * g / (delta + xp.sqrt(r))


def rmsprop_update(xp: Any, theta: Array, r: Array, g: Array, lr: float, rho: float, delta: float) -> None:
    """r ← ρ r + (1 − ρ) g ⊙ g;  θ ← θ − ε / √(δ + r) ⊙ g."""
    r *= rho
    r += (1 - rho) * (g * g)
    theta -= lr * g / xp.sqrt(delta + r)


def rmsprop_momentum_update(
    xp: Any, theta: Array, v: Array, r: Array, g: Array, lr: float, alpha: float, rho: float, delta: float
) -> None:
    """r ← ρ r + (1 − ρ) g ⊙ g;  v ← α v − ε / √(δ + r) ⊙ g;  θ ← θ + v."""
    r *= rho
    r += (1 - rho) * (g * g)
    v *= alpha
    v -= lr * g / xp.sqrt(delta + r)
    theta += v


def adam_update(
    xp: Any, theta: Array, s: Array, r: Array, g: Array, t: int,
    lr: float, rho1: float, rho2: float, delta: float,
) -> None:
    """s ← ρ₁ s + (1 − ρ₁) g;  r ← ρ₂ r + (1 − ρ₂) g ⊙ g;  θ ← θ − ε ŝ / (√r̂ + δ).

    With c₁ = 1 − ρ₁ᵗ and c₂ = 1 − ρ₂ᵗ, ŝ = s/c₁ and √r̂ = √r/√c₂, so
    ε ŝ / (√r̂ + δ) = (ε √c₂ / c₁) · s / (√r + δ √c₂): the same step in fewer
    passes over the arrays (this is the optimizers' hot loop).
    """
    s *= rho1
    s += (1 - rho1) * g
    r *= rho2
    r += (1 - rho2) * (g * g)
    c1, root_c2 = 1 - rho1**t, math.sqrt(1 - rho2**t)
    step = xp.sqrt(r)
    step += delta * root_c2
    step = s / step
    step *= lr * root_c2 / c1
    theta -= step


def _copies(xp: Any, *arrays: Array) -> tuple[Array, ...]:
    return tuple(xp.asarray(x, copy=True) for x in arrays)


def _gradient_at(grad_fn: GradFn, point: Array, like: Array) -> Array:
    """Call ``grad_fn(point)`` and check that it returned a usable gradient."""
    if not callable(grad_fn):
        raise TypeError(f"grad_fn must be callable, got {type(grad_fn).__name__}")
    g = grad_fn(point)
    check.float_arrays(theta=like, g=g)
    return g


def sgd_step(theta: Array, g: Array, lr: float) -> Array:
    """Stochastic gradient descent: θ ← θ − ε g.

    Parameters
    ----------
    theta : array
        Parameters θ.
    g : array
        (Minibatch) gradient g = (1/m) ∇_θ Σ_i L(f(x_i; θ), y_i), shaped like θ.
    lr : float
        Learning rate ε > 0.

    Returns
    -------
    theta : array
        The updated parameters.
    """
    xp = check.float_arrays(theta=theta, g=g)
    lr = check.positive("lr", lr)
    (theta,) = _copies(xp, theta)
    sgd_update(theta, g, lr)
    return theta


def momentum_step(
    theta: Array, v: Array, g: Array, lr: float, alpha: float
) -> tuple[Array, Array]:
    """Momentum in the book's velocity form: v ← α v − ε g;  θ ← θ + v.

    With a constant gradient the velocity tends to ε‖g‖/(1 − α): α = 0.9
    moves ten times as far per step as plain SGD.

    Parameters
    ----------
    theta, v, g : array
        Parameters θ, velocity v (start at zeros), gradient g at θ.
    lr : float
        Learning rate ε > 0.
    alpha : float
        Momentum α in [0, 1) (typically 0.5, 0.9 or 0.99).

    Returns
    -------
    theta, v : array
        The updated parameters and velocity.
    """
    xp = check.float_arrays(theta=theta, v=v, g=g)
    lr = check.positive("lr", lr)
    alpha = check.unit_interval("alpha", alpha)
    theta, v = _copies(xp, theta, v)
    momentum_update(theta, v, g, lr, alpha)
    return theta, v


def nesterov_step(
    theta: Array, v: Array, grad_fn: GradFn, lr: float, alpha: float
) -> tuple[Array, Array]:
    """Nesterov momentum: v ← α v − ε ∇f(θ + α v);  θ ← θ + v.

    The gradient is taken at the look-ahead point θ̃ = θ + α v, not at θ.

    Parameters
    ----------
    theta, v : array
        Parameters θ and velocity v (start at zeros).
    grad_fn : callable
        ``grad_fn(x)`` returns the gradient at ``x``.
    lr : float
        Learning rate ε > 0.
    alpha : float
        Momentum α in [0, 1).

    Returns
    -------
    theta, v : array
        The updated parameters and velocity.
    """
    xp = check.float_arrays(theta=theta, v=v)
    lr = check.positive("lr", lr)
    alpha = check.unit_interval("alpha", alpha)
    g = _gradient_at(grad_fn, theta + alpha * v, theta)
    theta, v = _copies(xp, theta, v)
    momentum_update(theta, v, g, lr, alpha)
    return theta, v


def adagrad_step(
    theta: Array, r: Array, g: Array, lr: float, delta: float = 1e-7
) -> tuple[Array, Array]:
    """AdaGrad: r ← r + g ⊙ g;  θ ← θ − ε / (δ + √r) ⊙ g.

    Parameters
    ----------
    theta, r, g : array
        Parameters θ, accumulated squared gradients r (start at zeros), gradient g.
    lr : float
        Global learning rate ε > 0.
    delta : float
        Small constant δ > 0 for numerical stability (the book's 1e-7).

    Returns
    -------
    theta, r : array
        The updated parameters and accumulator.
    """
    xp = check.float_arrays(theta=theta, r=r, g=g)
    lr = check.positive("lr", lr)
    delta = check.positive("delta", delta)
    theta, r = _copies(xp, theta, r)
    adagrad_update(xp, theta, r, g, lr, delta)
    return theta, r


def rmsprop_step(
    theta: Array, r: Array, g: Array, lr: float, rho: float = 0.9, delta: float = 1e-6
) -> tuple[Array, Array]:
    """RMSProp: r ← ρ r + (1 − ρ) g ⊙ g;  θ ← θ − ε / √(δ + r) ⊙ g.

    δ sits inside the square root, as in the book (PyTorch puts it outside).

    Parameters
    ----------
    theta, r, g : array
        Parameters θ, moving average of squared gradients r (start at zeros),
        gradient g.
    lr : float
        Global learning rate ε > 0.
    rho : float
        Decay rate ρ in [0, 1).
    delta : float
        Small constant δ > 0 (the book's 1e-6).

    Returns
    -------
    theta, r : array
        The updated parameters and moving average.
    """
    xp = check.float_arrays(theta=theta, r=r, g=g)
    lr = check.positive("lr", lr)
    rho = check.unit_interval("rho", rho)
    delta = check.positive("delta", delta)
    theta, r = _copies(xp, theta, r)
    rmsprop_update(xp, theta, r, g, lr, rho, delta)
    return theta, r


def rmsprop_nesterov_step(
    theta: Array,
    v: Array,
    r: Array,
    grad_fn: GradFn,
    lr: float,
    alpha: float,
    rho: float = 0.9,
    delta: float = 1e-6,
) -> tuple[Array, Array, Array]:
    """RMSProp with Nesterov momentum.

    θ̃ = θ + α v;  g = ∇f(θ̃);  r ← ρ r + (1 − ρ) g ⊙ g;
    v ← α v − ε / √(δ + r) ⊙ g;  θ ← θ + v.

    The book writes √r; δ is added inside the root, as in plain RMSProp, so
    that the first step cannot divide by zero.

    Parameters
    ----------
    theta, v, r : array
        Parameters θ, velocity v and squared-gradient average r (start at zeros).
    grad_fn : callable
        ``grad_fn(x)`` returns the gradient at ``x``.
    lr : float
        Global learning rate ε > 0.
    alpha : float
        Momentum α in [0, 1).
    rho : float
        Decay rate ρ in [0, 1).
    delta : float
        Small constant δ > 0.

    Returns
    -------
    theta, v, r : array
        The updated parameters, velocity and average.
    """
    xp = check.float_arrays(theta=theta, v=v, r=r)
    lr = check.positive("lr", lr)
    alpha = check.unit_interval("alpha", alpha)
    rho = check.unit_interval("rho", rho)
    delta = check.positive("delta", delta)
    g = _gradient_at(grad_fn, theta + alpha * v, theta)
    theta, v, r = _copies(xp, theta, v, r)
    rmsprop_momentum_update(xp, theta, v, r, g, lr, alpha, rho, delta)
    return theta, v, r


def adam_step(
    theta: Array,
    s: Array,
    r: Array,
    g: Array,
    t: int,
    lr: float = 1e-3,
    rho1: float = 0.9,
    rho2: float = 0.999,
    delta: float = 1e-8,
) -> tuple[Array, Array, Array]:
    """Adam.

    s ← ρ₁ s + (1 − ρ₁) g;  r ← ρ₂ r + (1 − ρ₂) g ⊙ g;
    ŝ = s / (1 − ρ₁ᵗ);  r̂ = r / (1 − ρ₂ᵗ);  θ ← θ − ε ŝ / (√r̂ + δ).

    δ sits outside the square root, as in the Adam paper and PyTorch.

    Parameters
    ----------
    theta, s, r, g : array
        Parameters θ, first moment s, second moment r (both start at zeros),
        gradient g.
    t : int
        The 1-based number of this update (t = 1 on the first step).
    lr : float
        Step size ε > 0.
    rho1, rho2 : float
        Decay rates ρ₁, ρ₂ in [0, 1) of the moment estimates.
    delta : float
        Small constant δ > 0.

    Returns
    -------
    theta, s, r : array
        The updated parameters and moment estimates.
    """
    xp = check.float_arrays(theta=theta, s=s, r=r, g=g)
    t = check.integer("t", t, minimum=1)
    lr = check.positive("lr", lr)
    rho1 = check.unit_interval("rho1", rho1)
    rho2 = check.unit_interval("rho2", rho2)
    delta = check.positive("delta", delta)
    theta, s, r = _copies(xp, theta, s, r)
    adam_update(xp, theta, s, r, g, t, lr, rho1, rho2, delta)
    return theta, s, r


def uncorrected_step_length(t: int, rho1: float = 0.9, rho2: float = 0.999) -> float:
    """How long Adam's step t would be without bias correction, in units of ε, for a constant gradient.

    With every gradient equal to g (and |g| ≫ δ), the moments starting at zero are
    s_t = (1 − ρ₁ᵗ) g and r_t = (1 − ρ₂ᵗ) g ⊙ g, so the step −ε s_t/(√r_t + δ) has length

        |Δθ_t| / ε = (1 − ρ₁ᵗ) / √(1 − ρ₂ᵗ)

    per coordinate: (1 − ρ₁)/√(1 − ρ₂) ≈ 3.16 on the first step with the defaults,
    → 1 as t grows. With the correction (ŝ = g, r̂ = g ⊙ g) it is 1 from the first step.

    Parameters
    ----------
    t : int
        The 1-based step number, ≥ 1.
    rho1, rho2 : float
        Decay rates in [0, 1) of the first and second moments.
    """
    t = check.integer("t", t, minimum=1)
    rho1 = check.unit_interval("rho1", rho1)
    rho2 = check.unit_interval("rho2", rho2)
    return (1 - rho1**t) / math.sqrt(1 - rho2**t)
