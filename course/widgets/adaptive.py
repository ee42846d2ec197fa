"""Lecture 05: gradient descent, momentum, AdaGrad, RMSProp and Adam side by side, each with its own learning rate."""

from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes

from course import validation as check
from course.backend import asarray, to_numpy
from course.optim import SGD, AdaGrad, Adam, Momentum, RMSProp, Trajectory, run
from course.plotting import DivergenceNote, LossLine, PathLine, colors_for, contours, log_scale, loss_axes, new_figure
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


METHODS = {  # control name -> (label, optimizer for a learning rate)
    "gd_lr": ("gradient descent", SGD),
    "momentum_lr": ("momentum α = 0.9", lambda lr: Momentum(lr, 0.9)),
    "adagrad_lr": ("AdaGrad", AdaGrad),
    "rmsprop_lr": ("RMSProp", RMSProp),
    "adam_lr": ("Adam", Adam),
}
SETTINGS = {  # the objective, the start θ₀, the plotting window and the loss axis
    "rosenbrock": (rosenbrock, (-1.2, 1.0), ((-2.0, 2.0), (-1.0, 3.0)), (1e-12, 1e6)),
    "quadratic": (valley(), VALLEY_START, VALLEY_WINDOW, (1e-12, 1e9)),
}
#: The per-parameter learning rate axis.
RATES = (1e-5, 1e3)


def adaptive_explorer(
    problem: str = "rosenbrock",
    gd_lr: float = 0.001,
    momentum_lr: float = 0.0002,
    adagrad_lr: float = 1.0,
    rmsprop_lr: float = 0.02,
    adam_lr: float = 0.2,
    steps: int = 500,
) -> Explorer:
    """Gradient descent, momentum, AdaGrad, RMSProp and Adam on Rosenbrock or the ill-conditioned quadratic.

    Left: the iterates over the contours. Middle: the loss per step (log
    scale). Right: the learning rate each adaptive method gives each parameter
    (:func:`effective_rates`; solid θ₁, dotted θ₂), next to gradient
    descent's one ε for both: large where the gradients have been small.
    AdaGrad's rates only ever shrink; RMSProp's and Adam's forget old
    gradients. Every method has its own learning-rate slider; δ, ρ are the
    book's, Adam's ρ₁ = 0.9, ρ₂ = 0.999, and momentum's α = 0.9. Each run is
    computed once per setting and kept, so a slider recomputes only its own
    method.

    Controls: ``"problem"`` (``"rosenbrock"`` or ``"quadratic"``) and one
    learning rate (log scale) per method: ``"gd_lr"``, ``"momentum_lr"``,
    ``"adagrad_lr"``, ``"rmsprop_lr"``, ``"adam_lr"``.
    """
    steps = check.integer("steps", steps, minimum=1)
    choice("problem", problem, PROBLEMS)  # names a bad problem before any work
    rates = dict(gd_lr=gd_lr, momentum_lr=momentum_lr, adagrad_lr=adagrad_lr, rmsprop_lr=rmsprop_lr,
                 adam_lr=adam_lr)
    for name, lr in rates.items():
        check.positive(name, lr)

    @functools.lru_cache(maxsize=1024)
    def method_run(problem: str, method: str, lr: float) -> tuple[Trajectory, np.ndarray]:
        """A run of one method and its per-parameter rates, one row per step (none when it
        diverged, and none for momentum, whose step is not a rate times g)."""
        objective, start, _, _ = SETTINGS[problem]
        optimizer = METHODS[method][1](lr)
        trajectory = run(optimizer, objective, asarray(start), steps)
        if not trajectory.success or isinstance(optimizer, Momentum):
            return trajectory, np.empty((0, 2))
        if isinstance(optimizer, SGD):
            return trajectory, np.full((trajectory.steps, 2), lr)
        grads = np.stack([to_numpy(objective.grad(asarray(theta))) for theta in trajectory.iterates[:-1]])
        return trajectory, effective_rates(optimizer, grads)

    fig, (left, middle, right) = new_figure(3, width=4.4, height=4.2, width_ratios=(1.3, 1, 1))
    layers = {name: _drawn_by(left, lambda name=name: contours(left, SETTINGS[name][0], *SETTINGS[name][2],
                                                               log=name == "rosenbrock"))
              for name in SETTINGS}
    left.title.set_animated(True)
    labels = {method: label for method, (label, _) in METHODS.items()}
    colors = colors_for(list(labels.values()))
    paths = {m: PathLine(left, label, colors[label], animated=True, markers=False) for m, label in labels.items()}
    losses = {m: LossLine(middle, label, colors[label], animated=True) for m, label in labels.items()}
    middle.set_xlim(0, steps)
    loss_axes(middle)
    middle.legend(loc="lower left", fontsize=7)
    note = DivergenceNote(middle, animated=True)
    rate_lines = {}
    for method, label in labels.items():
        color = colors[label]
        rate_lines[method] = (
            right.plot([], [], color=color, linewidth=1.5, animated=True)[0],
            right.plot([], [], color=color, linewidth=1.5, linestyle=":", animated=True)[0],
        )
    right.set_xlim(1, steps)
    right.set_ylim(*RATES)
    log_scale(right)
    right.set_xlabel("step $k$")
    right.set_ylabel("per-parameter learning rate")
    right.set_title("rate of θ₁ (solid) and θ₂ (dotted)")
    right.grid(True, alpha=0.3)
    shown = {"problem": None}
    k = np.arange(1, steps + 1)

    def update(problem: str, **lrs: float) -> None:
        if problem != shown["problem"]:  # other contours and limits: the whole figure is redrawn
            for name, artists in layers.items():
                for artist in artists:
                    artist.set_visible(name == problem)
            _, _, (xlim, ylim), loss_range = SETTINGS[problem]
            left.set_xlim(*xlim)
            left.set_ylim(*ylim)
            middle.set_ylim(*loss_range)
            shown["problem"] = problem
        runs = {}
        for method, lr in lrs.items():
            trajectory, per_parameter = method_run(problem, method, lr)
            runs[labels[method]] = trajectory
            paths[method].show(trajectory)
            losses[method].show(trajectory)
            solid, dotted = rate_lines[method]
            solid.set_data(k[: len(per_parameter)], per_parameter[:, 0])
            dotted.set_data(k[: len(per_parameter)], per_parameter[:, 1])
        note.show(runs)
        left.title.set_text(SETTINGS[problem][0].name)

    return Explorer(
        {
            "problem": choice("problem", problem, PROBLEMS),
            "gd_lr": log_slider("gradient descent ε", gd_lr, 1e-4, 1.0),
            "momentum_lr": log_slider("momentum ε", momentum_lr, 1e-4, 1.0),
            "adagrad_lr": log_slider("AdaGrad ε", adagrad_lr, 1e-3, 10.0),
            "rmsprop_lr": log_slider("RMSProp ε", rmsprop_lr, 1e-4, 1.0),
            "adam_lr": log_slider("Adam ε", adam_lr, 1e-4, 1.0),
        },
        fig,
        update,
    )


def _drawn_by(ax: Axes, draw: Callable[[], Any]) -> list[Artist]:
    """The artists that ``draw()`` adds to ``ax``."""
    before = set(ax.get_children())
    draw()
    return [artist for artist in ax.get_children() if artist not in before]
