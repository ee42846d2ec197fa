"""Lecture 04: momentum and Nesterov momentum in a narrow valley, and the terminal velocity."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure

from course import validation as check
from course.backend import asarray, get_namespace
from course.optim import SGD, Momentum, Nesterov, run
from course.plotting import contours, loss_curves, new_figure, paths
from course.problems import Quadratic
from course.widgets.explorer import Explorer, linear_slider, log_slider

#: Start and plotting window of the valley: far out along its flat direction.
VALLEY_START = (-9.0, 2.0)
VALLEY_WINDOW = ((-10.0, 10.0), (-4.5, 4.5))


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

    Controls: ``"lr"`` (ε, log scale), ``"alpha"`` (α in [0, 0.99]).
    """
    steps = check.integer("steps", steps, minimum=1)
    check.unit_interval("alpha", alpha)
    problem = valley()
    theta0 = asarray(VALLEY_START)

    def draw(lr: float, alpha: float) -> Figure:
        runs = {
            "gradient descent": run(SGD(lr), problem, theta0, steps),
            "momentum": run(Momentum(lr, alpha), problem, theta0, steps),
            "Nesterov": run(Nesterov(lr, alpha), problem, theta0, steps),
        }
        fig, (left, right) = new_figure(2, width=6.0, height=4.0, width_ratios=(1.6, 1))
        contours(left, problem, *VALLEY_WINDOW, levels=12, log=False)
        paths(left, runs)
        left.set_aspect("equal")
        left.set_title(f"{problem.name}: ε = {lr:.3g}, α = {alpha:.2f}")
        loss_curves(right, runs)
        return fig

    return Explorer(
        {
            "lr": log_slider("learning rate ε", lr, 1e-3, 1.0),
            "alpha": linear_slider("momentum α", alpha, 0.0, 0.99, 0.01),
        },
        draw,
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
    (10× for α = 0.9, 100× for α = 0.99); ‖g‖ = 1 here.

    Controls: ``"alpha"`` (α in [0, 0.99]).
    """
    steps = check.integer("steps", steps, minimum=1)
    check.unit_interval("alpha", alpha)
    lr = check.positive("lr", lr)
    g = asarray([0.6, 0.8])
    g_norm = 1.0
    problem = ConstantGradient(g)
    k = np.arange(1, steps + 1)

    def draw(alpha: float) -> Figure:
        trajectory = run(Momentum(lr, alpha), problem, asarray([0.0, 0.0]), steps)
        speeds = np.linalg.norm(np.diff(trajectory.iterates, axis=0), axis=1)
        terminal = lr * g_norm / (1 - alpha)
        fig, ax = new_figure(1, width=8.0, height=4.0)
        ax.plot(k, speeds, "o-", markersize=3, color="tab:blue", label="momentum: speed ‖v_k‖")
        ax.axhline(terminal, color="tab:red", linestyle="--",
                   label=f"terminal velocity ε‖g‖/(1 − α) = {terminal:.3g}")
        ax.axhline(lr * g_norm, color="grey", linestyle=":", linewidth=2,
                   label=f"plain SGD step ε‖g‖ = {lr * g_norm:.3g}")
        ax.set_ylim(0, 1.15 * terminal)
        ax.set_xlabel("step k")
        ax.set_ylabel("‖v_k‖ = ‖θ_k − θ_(k−1)‖")
        ax.set_title(f"constant gradient ‖g‖ = 1, ε = {lr:.3g}: with α = {alpha:.2f} the terminal "
                     f"velocity is {1 / (1 - alpha):.3g}× the SGD step")
        ax.grid(True, alpha=0.3)
        ax.legend(loc="lower right", fontsize=9)
        return fig

    return Explorer({"alpha": linear_slider("momentum α", alpha, 0.0, 0.99, 0.01)}, draw)
