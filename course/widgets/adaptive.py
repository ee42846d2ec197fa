"""Lecture 05: AdaGrad, RMSProp and Adam side by side, each with its own learning rate."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course import validation as check
from course.backend import asarray, to_numpy
from course.optim import AdaGrad, Adam, RMSProp, Trajectory, run
from course.plotting import colors_for, contours, log_scale, loss_curves, new_figure, paths
from course.problems import rosenbrock
from course.widgets.explorer import Explorer, choice, log_slider
from course.widgets.momentum import VALLEY_START, VALLEY_WINDOW, valley

PROBLEMS = {"Rosenbrock from (−1.2, 1)": "rosenbrock", "quadratic 0.1 θ₁² + 2 θ₂² from (−9, 2)": "quadratic"}


def effective_rates(optimizer: AdaGrad | RMSProp | Adam, grads: np.ndarray) -> np.ndarray:
    """The per-parameter learning rate of every step, given the gradients the run used.

    Row k is the factor by which step k + 1 scales its direction, per parameter:

    * AdaGrad: ε/(δ + √r) with r = Σ g ⊙ g (applied to g);
    * RMSProp: ε/√(δ + r) with r ← ρ r + (1 − ρ) g ⊙ g (applied to g);
    * Adam: ε/(√r̂ + δ) with r ← ρ₂ r + (1 − ρ₂) g ⊙ g, r̂ = r/(1 − ρ₂ᵗ)
      (applied to the averaged gradient ŝ).

    Parameters
    ----------
    optimizer : AdaGrad, RMSProp or Adam
        With a constant learning rate.
    grads : numpy.ndarray, shape (steps, n)
        g at θ₀, θ₁, …: the gradients of the steps, in order.
    """
    squares = grads**2
    if isinstance(optimizer, AdaGrad):
        return optimizer.lr / (optimizer.delta + np.sqrt(np.cumsum(squares, axis=0)))
    rho = optimizer.rho if isinstance(optimizer, RMSProp) else optimizer.rho2
    r = np.empty_like(squares)
    average = np.zeros(squares.shape[1])
    for k, g2 in enumerate(squares):
        average = rho * average + (1 - rho) * g2
        r[k] = average
    if isinstance(optimizer, RMSProp):
        return optimizer.lr / np.sqrt(optimizer.delta + r)
    t = np.arange(1, len(squares) + 1)[:, None]
    return optimizer.lr / (np.sqrt(r / (1 - optimizer.rho2**t)) + optimizer.delta)


def _rates_panel(
    ax: Axes, problem: Any, optimizers: dict[str, Any], runs: dict[str, Trajectory], colors: dict[str, str]
) -> None:
    """The learning rate of each parameter per step, for the runs that did not diverge."""
    for name, trajectory in runs.items():
        if not trajectory.success:
            continue
        grads = np.stack([to_numpy(problem.grad(asarray(theta))) for theta in trajectory.iterates[:-1]])
        rates = effective_rates(optimizers[name], grads)
        k = np.arange(1, len(rates) + 1)
        ax.plot(k, rates[:, 0], color=colors[name], linewidth=1.5, label=f"{name.split()[0]}, θ₁")
        ax.plot(k, rates[:, 1], color=colors[name], linewidth=1.5, linestyle=":", label=f"{name.split()[0]}, θ₂")
    log_scale(ax)
    ax.set_xlabel("step k")
    ax.set_ylabel("per-parameter learning rate")
    ax.set_title("learning rate of θ₁ (solid) and θ₂ (dotted)")
    ax.grid(True, alpha=0.3)
    if ax.get_lines():
        ax.legend(fontsize=7, ncol=3)


def adaptive_explorer(
    problem: str = "rosenbrock",
    adagrad_lr: float = 1.0,
    rmsprop_lr: float = 0.02,
    adam_lr: float = 0.2,
    steps: int = 500,
) -> Explorer:
    """AdaGrad, RMSProp and Adam on Rosenbrock or on the ill-conditioned quadratic.

    Left: the iterates over the contours. Middle: the loss per step (log
    scale). Right: the learning rate each method gives each parameter
    (:func:`effective_rates`; solid θ₁, dotted θ₂): large where the gradients
    have been small. AdaGrad's rates only ever shrink; RMSProp's and Adam's
    forget old gradients. Every method has its own learning-rate slider; δ, ρ
    are the book's, and Adam's ρ₁ = 0.9, ρ₂ = 0.999.

    Controls: ``"problem"`` (``"rosenbrock"`` or ``"quadratic"``),
    ``"adagrad_lr"``, ``"rmsprop_lr"``, ``"adam_lr"`` (log scale).
    """
    steps = check.integer("steps", steps, minimum=1)
    settings = {  # the objective, the start θ₀ and the plotting window
        "rosenbrock": (rosenbrock, (-1.2, 1.0), ((-2.0, 2.0), (-1.0, 3.0))),
        "quadratic": (valley(), VALLEY_START, VALLEY_WINDOW),
    }

    def draw(problem: str, adagrad_lr: float, rmsprop_lr: float, adam_lr: float) -> Figure:
        objective, start, window = settings[problem]
        theta0 = asarray(start)
        optimizers = {
            f"AdaGrad ε = {adagrad_lr:.3g}": AdaGrad(adagrad_lr),
            f"RMSProp ε = {rmsprop_lr:.3g}": RMSProp(rmsprop_lr),
            f"Adam ε = {adam_lr:.3g}": Adam(adam_lr),
        }
        runs = {name: run(optimizer, objective, theta0, steps) for name, optimizer in optimizers.items()}
        colors = colors_for(list(runs))
        fig, (left, middle, right) = new_figure(3, width=4.6, height=4.2, width_ratios=(1.3, 1, 1))
        contours(left, objective, *window, log=problem == "rosenbrock")
        paths(left, runs, colors=colors)
        loss_curves(middle, runs, colors=colors)
        _rates_panel(right, objective, optimizers, runs, colors)
        return fig

    return Explorer(
        {
            "problem": choice("problem", problem, PROBLEMS),
            "adagrad_lr": log_slider("AdaGrad ε", adagrad_lr, 1e-3, 10.0),
            "rmsprop_lr": log_slider("RMSProp ε", rmsprop_lr, 1e-4, 1.0),
            "adam_lr": log_slider("Adam ε", adam_lr, 1e-4, 1.0),
        },
        draw,
    )
