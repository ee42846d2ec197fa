"""Lecture 05: gradient descent, momentum, AdaGrad, RMSProp and Adam side by side, each with its
own learning rate, with gradient noise, a decaying rate and a rotated valley."""

from __future__ import annotations

import functools
import math
from typing import Any, Callable, Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes

from course import validation as check
from course.backend import to_numpy
from course.optim import Trajectory
from course.plotting import DivergenceNote, LossLine, PathLine, colors_for, contours, log_scale, loss_axes, new_figure
from course.problems import Quadratic, rosenbrock, rotated, rotation
from course.widgets.explorer import Explorer, choice, linear_slider, log_slider, options_slider
from course.widgets.momentum import VALLEY_START, valley
from course.widgets.sgd import learning_rate

PROBLEMS = {"Rosenbrock from (−1.2, 1)": "rosenbrock", "quadratic 0.1 θ₁² + 2 θ₂², rotated by φ": "quadratic"}
SCHEDULES = {"constant ε": "constant", "decaying ε (linear to ε/100)": "linear decay"}
#: The standard deviations σ of the gradient noise offered.
NOISE_LEVELS = (0.0, 0.1, 0.3, 1.0, 3.0, 10.0)
#: The rotation φ of the valley, in degrees: 0 to 90 in steps of 5.
ANGLE_STEP = 5.0
#: Seed of the one noise sequence ξ₁, ξ₂, … that every run adds (scaled by σ).
NOISE_SEED = 0

METHODS = {  # control name -> label
    "gd_lr": "gradient descent",
    "momentum_lr": "momentum α = 0.9",
    "adagrad_lr": "AdaGrad",
    "rmsprop_lr": "RMSProp",
    "adam_lr": "Adam",
}
#: The book's constants: momentum's α, AdaGrad's δ, RMSProp's ρ and δ, Adam's ρ₁, ρ₂ and δ.
ALPHA, ADAGRAD_DELTA, RMSPROP_RHO, RMSPROP_DELTA = 0.9, 1e-7, 0.9, 1e-6
ADAM_RHO1, ADAM_RHO2, ADAM_DELTA = 0.9, 0.999, 1e-8
#: A run has diverged when its loss exceeds this many times 1 + |f(θ₀)| (as in course.optim.run).
BLOWUP = 1e8

#: The plotting window and the loss axis of each problem (both windows are square).
WINDOWS = {"rosenbrock": ((-2.0, 2.0), (-1.0, 3.0)), "quadratic": ((-10.0, 10.0), (-10.0, 10.0))}
LOSS_RANGES = {"rosenbrock": (1e-12, 1e6), "quadratic": (1e-12, 1e9)}
#: The per-parameter learning rate axis.
RATES = (1e-5, 1e3)
#: Long semi-axes of the valley's level sets drawn (evenly spaced ellipses).
LEVEL_RADII = tuple(14.0 * j / 12 for j in range(1, 13))


def rotated_valley(angle: float) -> Quadratic:
    """The valley f(θ) = 0.1 θ₁² + 2 θ₂² = ½ θᵀ diag(0.2, 4) θ turned by ``angle`` degrees
    (:func:`course.problems.rotated`): ½ θᵀ R diag(0.2, 4) Rᵀ θ, its flat axis along R e₁."""
    return rotated(valley(), angle)


def noise_sequence(steps: int, seed: int = NOISE_SEED) -> np.ndarray:
    """ξ₁, …, ξ_steps ~ N(0, I₂), one row per step: the same for every run, method and setting."""
    return np.random.default_rng(seed).standard_normal((steps, 2))


def run_2d(method: str, rates: Sequence[float], grad: Callable[[float, float], tuple[float, float]],
           value: Callable[[float, float], float], start: tuple[float, float],
           noise: np.ndarray) -> tuple[Trajectory, np.ndarray]:
    """One run of a method of :data:`METHODS` on a 2-D problem, in Python floats (fast for 2-D).

    Step k (1-based) follows the gradient g_k = ∇f(θ_{k−1}) + ``noise[k − 1]`` with the
    learning rate ``rates[k − 1]`` and the book's update (the formulas of
    :mod:`course.optim`, which the tests compare it with); a run stops when its loss is
    not finite or exceeds ``BLOWUP`` · (1 + |f(θ₀)|). Returns the trajectory and the
    per-parameter learning rate of every step taken, one row per step (none for momentum,
    whose step is not a rate times a gradient):

    * gradient descent: ε_k;  AdaGrad: ε_k/(δ + √r);  RMSProp: ε_k/√(δ + r);
    * Adam: ε_k/(√r̂ + δ) with r̂ = r/(1 − ρ₂ᵗ) (applied to ŝ rather than g).
    """
    x, y = start
    v1 = v2 = r1 = r2 = s1 = s2 = 0.0
    first = value(x, y)
    limit = BLOWUP * (1 + abs(first))
    iterates, losses, norms, per_parameter = [(x, y)], [first], [math.hypot(*grad(x, y))], []
    diverged_at = None
    for k, (lr, (n1, n2)) in enumerate(zip(rates, noise.tolist()), start=1):
        g1, g2 = grad(x, y)
        g1, g2 = g1 + n1, g2 + n2
        if method == "gd_lr":
            x, y = x - lr * g1, y - lr * g2
            per_parameter.append((lr, lr))
        elif method == "momentum_lr":
            v1, v2 = ALPHA * v1 - lr * g1, ALPHA * v2 - lr * g2
            x, y = x + v1, y + v2
        elif method == "adagrad_lr":
            r1, r2 = r1 + g1 * g1, r2 + g2 * g2
            e1, e2 = lr / (ADAGRAD_DELTA + math.sqrt(r1)), lr / (ADAGRAD_DELTA + math.sqrt(r2))
            x, y = x - e1 * g1, y - e2 * g2
            per_parameter.append((e1, e2))
        elif method == "rmsprop_lr":
            r1 = RMSPROP_RHO * r1 + (1 - RMSPROP_RHO) * (g1 * g1)
            r2 = RMSPROP_RHO * r2 + (1 - RMSPROP_RHO) * (g2 * g2)
            e1, e2 = lr / math.sqrt(RMSPROP_DELTA + r1), lr / math.sqrt(RMSPROP_DELTA + r2)
            x, y = x - e1 * g1, y - e2 * g2
            per_parameter.append((e1, e2))
        else:
            s1, s2 = ADAM_RHO1 * s1 + (1 - ADAM_RHO1) * g1, ADAM_RHO1 * s2 + (1 - ADAM_RHO1) * g2
            r1 = ADAM_RHO2 * r1 + (1 - ADAM_RHO2) * (g1 * g1)
            r2 = ADAM_RHO2 * r2 + (1 - ADAM_RHO2) * (g2 * g2)
            c1, root_c2 = 1 - ADAM_RHO1**k, math.sqrt(1 - ADAM_RHO2**k)
            e1 = lr / (math.sqrt(r1) / root_c2 + ADAM_DELTA)
            e2 = lr / (math.sqrt(r2) / root_c2 + ADAM_DELTA)
            x, y = x - e1 * (s1 / c1), y - e2 * (s2 / c1)
            per_parameter.append((e1, e2))
        loss = value(x, y) if math.isfinite(x) and math.isfinite(y) else math.nan
        if not math.isfinite(loss) or loss > limit:
            diverged_at = k
            losses.append(loss)
            norms.append(math.nan)
            if math.isfinite(x) and math.isfinite(y):
                iterates.append((x, y))
            break
        iterates.append((x, y))
        losses.append(loss)
        norms.append(math.hypot(*grad(x, y)))
    message = (f"finished {len(rates)} steps" if diverged_at is None else
               f"diverged at step {diverged_at}: the loss became {losses[-1]:.3g} (from {first:.3g}); "
               "try a smaller learning rate")
    trajectory = Trajectory(x=np.array(iterates[-1]), iterates=np.array(iterates), losses=np.array(losses),
                            grad_norms=np.array(norms), steps=len(losses) - 1, diverged_at=diverged_at,
                            message=message)
    rates_taken = np.array(per_parameter, dtype=float).reshape(-1, 2)
    return trajectory, (np.empty((0, 2)) if diverged_at is not None else rates_taken)


def _rosenbrock(x: float, y: float) -> float:
    return 100.0 * (y - x * x) ** 2 + (1.0 - x) ** 2


def _rosenbrock_grad(x: float, y: float) -> tuple[float, float]:
    return -400.0 * x * (y - x * x) - 2.0 * (1.0 - x), 200.0 * (y - x * x)


def setting(problem: str, angle: float) -> tuple[Callable, Callable, tuple[float, float], np.ndarray]:
    """The gradient, the value, the start and the rotation of the noise of a problem in Python floats.

    Rosenbrock starts at (−1.2, 1) and ignores the angle. The quadratic is
    :func:`rotated_valley`: its start, like the valley and the noise, is turned by
    the angle, so that only the orientation of the problem changes.
    """
    if problem == "rosenbrock":
        return _rosenbrock_grad, _rosenbrock, (-1.2, 1.0), np.eye(2)
    R = rotation(angle)
    (a, b), (_, c) = to_numpy(rotated_valley(angle).A).tolist()
    start = tuple(float(v) for v in R @ np.array(VALLEY_START))

    def grad(x: float, y: float) -> tuple[float, float]:
        return a * x + b * y, b * x + c * y

    def value(x: float, y: float) -> float:
        return 0.5 * (a * x * x + 2.0 * b * x * y + c * y * y)

    return grad, value, start, R


def adaptive_explorer(
    problem: str = "rosenbrock",
    gd_lr: float = 0.001,
    momentum_lr: float = 0.0002,
    adagrad_lr: float = 1.0,
    rmsprop_lr: float = 0.02,
    adam_lr: float = 0.2,
    noise: float = 0.0,
    schedule: str = "constant",
    angle: float = 0.0,
    steps: int = 500,
) -> Explorer:
    """Gradient descent, momentum, AdaGrad, RMSProp and Adam on Rosenbrock or the ill-conditioned quadratic.

    Left: the iterates over the contours. Middle: the loss per step (log
    scale). Right: the learning rate each adaptive method gives each parameter
    (solid θ₁, dotted θ₂), next to gradient descent's one ε for both: large where
    the gradients have been small. Every method has its own learning-rate slider;
    δ, ρ are the book's, Adam's ρ₁ = 0.9, ρ₂ = 0.999, and momentum's α = 0.9.

    Every gradient gets the noise σ ξ_k added, with one fixed sequence ξ₁, ξ₂, … of
    standard normal pairs (:func:`noise_sequence`), so that two settings differ only
    in what the controls changed. The learning rate is constant or decays linearly
    to ε/100 at ¾ of the steps (lecture 03's schedule). The quadratic 0.1 θ₁² + 2 θ₂²
    can be turned by an angle φ (:func:`rotated_valley`; start and noise turn with
    it): gradient descent and momentum, which treat all directions alike, then run
    the same course turned by φ, while the per-coordinate scaling of the adaptive
    methods loses its grip. Runs are kept per setting, so a learning-rate slider
    recomputes only its own method.

    Controls: ``"problem"`` (``"rosenbrock"`` or ``"quadratic"``), one learning rate
    (log scale) per method (``"gd_lr"``, ``"momentum_lr"``, ``"adagrad_lr"``,
    ``"rmsprop_lr"``, ``"adam_lr"``), ``"noise"`` (σ, one of :data:`NOISE_LEVELS`),
    ``"schedule"`` (``"constant"`` or ``"linear decay"``) and ``"angle"`` (φ in degrees,
    0 to 90; disabled on Rosenbrock, where it changes nothing).
    """
    steps = check.integer("steps", steps, minimum=1)
    choice("problem", problem, PROBLEMS)  # names a bad problem before any work
    choice("learning rate", schedule, SCHEDULES)
    rates = dict(gd_lr=gd_lr, momentum_lr=momentum_lr, adagrad_lr=adagrad_lr, rmsprop_lr=rmsprop_lr,
                 adam_lr=adam_lr)
    for name, lr in rates.items():
        check.positive(name, lr)
    controls = {
        "problem": choice("problem", problem, PROBLEMS),
        "gd_lr": log_slider("gradient descent ε", gd_lr, 1e-4, 1.0),
        "momentum_lr": log_slider("momentum ε", momentum_lr, 1e-4, 1.0),
        "adagrad_lr": log_slider("AdaGrad ε", adagrad_lr, 1e-3, 10.0),
        "rmsprop_lr": log_slider("RMSProp ε", rmsprop_lr, 1e-4, 1.0),
        "adam_lr": log_slider("Adam ε", adam_lr, 1e-4, 1.0),
        "noise": options_slider("gradient noise σ", noise, list(NOISE_LEVELS)),
        "angle": linear_slider("rotation φ (degrees)", angle, 0.0, 90.0, ANGLE_STEP),
        "schedule": choice("learning rate", schedule, SCHEDULES),
    }
    xi = noise_sequence(steps)

    @functools.lru_cache(maxsize=64)
    def problem_setting(problem: str, angle: float) -> tuple[Callable, Callable, tuple[float, float], np.ndarray]:
        return setting(problem, angle)

    @functools.lru_cache(maxsize=2048)
    def method_run(problem: str, angle: float, sigma: float, schedule: str, method: str,
                   lr: float) -> tuple[Trajectory, np.ndarray]:
        grad, value, start, R = problem_setting(problem, angle)
        rate = learning_rate(schedule, lr, steps)
        per_step = [rate(k) for k in range(steps)] if callable(rate) else [rate] * steps
        return run_2d(method, per_step, grad, value, start, sigma * xi @ R.T)

    fig, (left, middle, right) = new_figure(3, width=4.4, height=4.2, width_ratios=(1.3, 1, 1))
    rosenbrock_layer = _drawn_by(left, lambda: contours(left, rosenbrock, *WINDOWS["rosenbrock"], log=True))
    left.set_aspect("equal", adjustable="box")
    left.title.set_animated(True)
    levels = [left.plot([], [], color="grey", linewidth=0.7, alpha=0.7, animated=True)[0] for _ in LEVEL_RADII]
    (valley_minimum,) = left.plot(0.0, 0.0, marker="*", markersize=14, color="gold", markeredgecolor="black",
                                  linestyle="none", zorder=5, animated=True)
    colors = colors_for(list(METHODS.values()))
    paths = {m: PathLine(left, label, colors[label], animated=True, markers=False) for m, label in METHODS.items()}
    losses = {m: LossLine(middle, label, colors[label], animated=True) for m, label in METHODS.items()}
    middle.set_xlim(0, steps)
    loss_axes(middle)
    middle.legend(loc="lower left", fontsize=7)
    middle.title.set_animated(True)
    note = DivergenceNote(middle, animated=True)
    rate_lines = {}
    for method, label in METHODS.items():
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
    t = np.linspace(0.0, 2.0 * np.pi, 121)
    low, high = valley().eigenvalues
    unit_ellipse = np.stack([np.cos(t), math.sqrt(low / high) * np.sin(t)])

    def update(problem: str, noise: float, schedule: str, angle: float, **lrs: float) -> None:
        quadratic = problem == "quadratic"
        controls["angle"].disabled = not quadratic
        if problem != shown["problem"]:  # other contours and limits: the whole figure is redrawn
            for artist in rosenbrock_layer:
                artist.set_visible(not quadratic)
            for line in (*levels, valley_minimum):
                line.set_visible(quadratic)
            left.set_xlim(*WINDOWS[problem][0])
            left.set_ylim(*WINDOWS[problem][1])
            middle.set_ylim(*LOSS_RANGES[problem])
            shown["problem"] = problem
        angle = round(angle, 6) if quadratic else 0.0
        if quadratic:
            turned = rotation(angle) @ unit_ellipse
            for line, radius in zip(levels, LEVEL_RADII):
                line.set_data(*(radius * turned))
        runs = {}
        for method, lr in lrs.items():
            trajectory, per_parameter = method_run(problem, angle, noise, schedule, method, lr)
            runs[METHODS[method]] = trajectory
            paths[method].show(trajectory)
            losses[method].show(trajectory)
            solid, dotted = rate_lines[method]
            solid.set_data(k[: len(per_parameter)], per_parameter[:, 0])
            dotted.set_data(k[: len(per_parameter)], per_parameter[:, 1])
        note.show(runs)
        where = f"0.1 θ₁² + 2 θ₂² rotated by {angle:g}°" if quadratic else "Rosenbrock"
        left.title.set_text(where)
        decay = ", ε decaying" if schedule != "constant" else ""
        middle.title.set_text(f"loss per step (noise σ = {noise:g}{decay})")

    # Two problems, two sets of contours and limits: each drawn once, then reused.
    return Explorer(controls, fig, update, static_key=lambda problem, **_: problem)


def _drawn_by(ax: Axes, draw: Callable[[], Any]) -> list[Artist]:
    """The artists that ``draw()`` adds to ``ax``."""
    before = set(ax.get_children())
    draw()
    return [artist for artist in ax.get_children() if artist not in before]
