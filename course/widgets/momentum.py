"""Lecture 04: momentum and Nesterov momentum in a narrow valley, and the terminal velocity."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from course import validation as check
from course.backend import asarray, get_namespace
from course.optim import SGD, Momentum, Nesterov, Trajectory, run
from course.plotting import (
    DivergenceNote, LossLine, PathLine, colors_for, contours, log_scale, loss_axes, new_figure,
)
from course.problems import Quadratic
from course.widgets.explorer import Explorer, linear_slider

#: Start and plotting window of the valley: far out along its flat direction.
VALLEY_START = (-9.0, 2.0)
VALLEY_WINDOW = ((-10.0, 10.0), (-4.5, 4.5))
#: The loss axis of the valley's runs: from f(θ₀) ≈ 16 down to a converged run,
#: and up to where run() declares divergence.
VALLEY_LOSSES = (1e-10, 1e9)
METHODS = ("gradient descent", "momentum", "Nesterov")


def valley() -> Quadratic:
    """The ill-conditioned quadratic f(θ) = 0.1 θ₁² + 2 θ₂² = ½ θᵀ diag(0.2, 4) θ.

    Eigenvalues 0.2 and 4 (condition number 20): gradient descent diverges for
    ε > 2/4 = 0.5 and zig-zags across the valley for ε > 1/4.
    """
    return Quadratic(asarray(np.diag([0.2, 4.0])), name="f(θ) = 0.1 θ₁² + 2 θ₂²")


def momentum_explorer(lr: float = 0.1, alpha: float = 0.9, steps: int = 60) -> Explorer:
    """Gradient descent, momentum and Nesterov momentum on :func:`valley`, from (−9, 2).

    Left: the iterates over the contours of f. Right: f(θ_k) per step (log
    scale). Momentum (v ← αv − εg; θ ← θ + v) builds up speed along the flat
    θ₁ direction, where plain gradient descent crawls; Nesterov takes the
    gradient at the look-ahead point θ + αv, which damps the oscillation.

    Controls: ``"lr"`` (ε in steps of 0.005, so that the stability limits
    0.375, 0.5 and 0.75 of the lecture can be reached), ``"alpha"`` (α in [0, 0.99]).
    """
    steps = check.integer("steps", steps, minimum=1)
    check.unit_interval("alpha", alpha)
    check.positive("lr", lr)
    problem = valley()
    theta0 = asarray(VALLEY_START)

    @functools.lru_cache(maxsize=512)
    def runs(lr: float, alpha: float) -> dict[str, Trajectory]:
        optimizers = (SGD(lr), Momentum(lr, alpha), Nesterov(lr, alpha))
        return {name: run(optimizer, problem, theta0, steps) for name, optimizer in zip(METHODS, optimizers)}

    fig, (left, right) = new_figure(2, width=5.4, height=4.0, width_ratios=(1.6, 1))
    contours(left, problem, *VALLEY_WINDOW, levels=12, log=False)
    left.set_aspect("equal")
    left.title.set_animated(True)
    colors = colors_for(METHODS)
    paths = {name: PathLine(left, name, colors[name], animated=True) for name in METHODS}
    losses = {name: LossLine(right, name, colors[name], animated=True) for name in METHODS}
    right.set_xlim(0, steps)
    right.set_ylim(*VALLEY_LOSSES)
    loss_axes(right)
    right.legend(loc="upper right", fontsize=8)
    note = DivergenceNote(right, animated=True)

    def update(lr: float, alpha: float) -> None:
        trajectories = runs(lr, alpha)
        for name, trajectory in trajectories.items():
            paths[name].show(trajectory)
            losses[name].show(trajectory)
        note.show(trajectories)
        left.title.set_text(f"{problem.name}: ε = {lr:.3g}, α = {alpha:.2f}")

    return Explorer(
        {
            "lr": linear_slider("learning rate ε", lr, 0.005, 1.0, 0.005),
            "alpha": linear_slider("momentum α", alpha, 0.0, 0.99, 0.01),
        },
        fig,
        update,
    )


class ConstantGradient:
    """The linear function f(θ) = gᵀθ, whose gradient is g everywhere."""

    dim = 2
    name = "f(θ) = gᵀθ"
    minimizer = None

    def __init__(self, g: Any) -> None:
        self.g = g

    def value(self, x: Any) -> Any:
        return get_namespace(x).asarray(self.g @ x)

    def grad(self, x: Any) -> Any:
        return self.g


def terminal_velocity_explorer(alpha: float = 0.9, lr: float = 0.1, steps: int = 100) -> Explorer:
    """The speed ‖v_k‖ of momentum under a constant gradient approaches ε‖g‖/(1 − α).

    With g constant, v_k = −ε g (1 + α + … + α^(k−1)) = −ε g (1 − α^k)/(1 − α),
    so momentum ends up moving 1/(1 − α) times as far per step as plain SGD
    (10× for α = 0.9, 100× for α = 0.99); ‖g‖ = 1 here. The speed axis is
    logarithmic, so that every α fits on it.

    Controls: ``"alpha"`` (α in [0, 0.99]).
    """
    steps = check.integer("steps", steps, minimum=1)
    check.unit_interval("alpha", alpha)
    lr = check.positive("lr", lr)
    g = asarray([0.6, 0.8])
    g_norm = 1.0
    problem = ConstantGradient(g)
    k = np.arange(1, steps + 1)

    fig, ax = new_figure(1, width=8.0, height=4.0)
    (speed,) = ax.plot([], [], "o-", markersize=3, color="tab:blue", label=r"momentum: speed $\|v_k\|$",
                       animated=True)
    terminal = ax.axhline(lr * g_norm, color="tab:red", linestyle="--", animated=True,
                          label=r"terminal velocity $\varepsilon\|g\|/(1-\alpha)$")
    ax.axhline(lr * g_norm, color="grey", linestyle=":", linewidth=2, label=r"plain SGD step $\varepsilon\|g\|$")
    ax.set_xlim(0, steps + 1)
    ax.set_ylim(0.5 * lr * g_norm, 150 * lr * g_norm)
    log_scale(ax)
    ax.set_xlabel("step $k$")
    ax.set_ylabel(r"$\|v_k\| = \|\theta_k - \theta_{k-1}\|$")
    ax.set_title(f"constant gradient, ‖g‖ = 1, ε = {lr:.3g}")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="upper left", fontsize=9)
    ratio = ax.text(0.98, 0.04, "", transform=ax.transAxes, ha="right", va="bottom", fontsize=10,
                    animated=True, bbox=dict(boxstyle="round", facecolor="white", edgecolor="grey"))

    def update(alpha: float) -> None:
        trajectory = run(Momentum(lr, alpha), problem, asarray([0.0, 0.0]), steps)
        speed.set_data(k, np.linalg.norm(np.diff(trajectory.iterates, axis=0), axis=1))
        terminal.set_ydata([lr * g_norm / (1 - alpha)] * 2)
        ratio.set_text(f"α = {alpha:.2f}: the terminal velocity is {1 / (1 - alpha):.3g}× the SGD step")

    return Explorer({"alpha": linear_slider("momentum α", alpha, 0.0, 0.99, 0.01)}, fig, update)
