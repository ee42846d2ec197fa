"""Lecture 09: continuation on blurred objectives, curriculum learning, pretraining, and skip connections.

Every run is computed once per process (the experiments are cached by their settings), at
construction; a move of a control only swaps line data.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from course.backend import asarray, to_numpy
from course.data import blobs, spirals
from course.plotting import log_scale, new_figure
from course.strategies.curriculum import ORDERS, curriculum_experiment
from course.strategies.pretraining import (
    BLOB_CENTERS, GREEDY, TRANSFER, Curves, greedy_pretraining, rotated, transfer,
)
from course.strategies.skip import ARCHITECTURES, INITS, skip_experiment
from course.strategies.smoothing import (
    SmoothedObjective, continuation_path, egg_crate, narrow_well, ripples, two_scales,
)
from course.widgets.explorer import Explorer, choice, linear_slider, options_slider

__all__ = [
    "continuation_2d_explorer",
    "curriculum_explorer",
    "pretraining_explorer",
    "skip_explorer",
    "smoothing_explorer",
    "transfer_explorer",
]

# --- continuation in one dimension ---------------------------------------------------------

#: The levels σ₀ > σ₁ > … > 0 of the continuation runs, and their steps.
SCHEDULE = (2.0, 1.4, 1.0, 0.7, 0.5, 0.35, 0.25, 0.15, 0.08, 0.0)
STEPS_PER_LEVEL = 150
#: The 1-D landscapes, by label, and their learning rates (each below 2/max J'': max J'' is 25.5, 19.5, 139).
LANDSCAPES = {"ripples": ripples, "two scales": two_scales, "narrow well": narrow_well}
LR_1D = {"ripples": 0.05, "two scales": 0.05, "narrow well": 0.01}
WINDOW_1D = (-3.0, 3.0)
VALUES_1D = (-1.6, 3.6)
#: The starts θ₀ of the slider.
STARTS = np.round(np.arange(-2.8, 2.8 + 1e-9, 0.1), 1)
#: The grid of σ on which convexity is tested, and its resolution.
SIGMA_GRID = np.round(np.arange(0.0, 3.0 + 1e-9, 0.01), 2)

COLORS = {"gradient descent on J": "tab:red", "continuation": "tab:blue"}


def convex_from(objective: SmoothedObjective, grid: np.ndarray) -> float:
    """The smallest σ of :data:`SIGMA_GRID` from which J_σ'' ≥ 0 on every point of ``grid`` (1-D θ), or nan."""
    theta = asarray(grid[:, None])
    for sigma in SIGMA_GRID:
        if float(to_numpy(objective.hessian(theta, float(sigma))).min()) >= 0:
            return float(sigma)
    return math.nan


@functools.cache
def landscape_runs(name: str) -> dict[str, Any]:
    """For one landscape of :data:`LANDSCAPES`: J_σ on a grid for each σ of the schedule,
    and the paths of gradient descent on J and of continuation from every start of
    :data:`STARTS` (one batched run each, θ of shape (starts, 1))."""
    objective = LANDSCAPES[name]()
    grid = np.linspace(*WINDOW_1D, 601)
    theta = asarray(grid[:, None])
    curves = np.stack([to_numpy(objective.value(theta, s)) for s in SCHEDULE])
    starts = asarray(STARTS[:, None])
    steps = STEPS_PER_LEVEL * len(SCHEDULE)
    descent = to_numpy(continuation_path(objective.grad, starts, [0.0], LR_1D[name], steps))[..., 0]
    blurred = to_numpy(continuation_path(objective.grad, starts, SCHEDULE, LR_1D[name], STEPS_PER_LEVEL))[..., 0]
    fine = np.linspace(*WINDOW_1D, 6001)
    best = fine[int(np.argmin(to_numpy(objective.value(asarray(fine[:, None])))))]
    return {"grid": grid, "curves": curves, "descent": descent, "continuation": blurred, "best": best,
            "convex": convex_from(objective, grid), "objective": objective}


def _value_at(objective: SmoothedObjective, theta: float, sigma: float) -> float:
    return float(to_numpy(objective.value(asarray([float(theta)]), sigma)))


def smoothing_explorer(landscape: str = "ripples", sigma: float = 2.0, start: float = 2.5) -> Explorer:
    """The blurred objectives J_σ of a 1-D landscape, and continuation against gradient descent.

    Left: J (grey) and J_σ (blue) for the chosen level σ of the schedule
    :data:`SCHEDULE`; the start θ₀ (open circle), where gradient descent on J ends (red
    cross), where continuation is at the end of level σ (blue dot, on J_σ) and the
    global minimum of J (star). Right: θ per step for gradient descent on J and for
    continuation (150 steps per level, ε of :data:`LR_1D`; dotted lines separate the
    levels), the continuation drawn up to the end of the chosen level. Every path is computed once,
    at construction, for every start of the slider.

    Controls: ``"landscape"`` (ripples ½·0.5 θ² − cos 5θ, two scales, narrow well),
    ``"sigma"`` (a level of the schedule, from σ₀ = 2 down to 0), ``"start"`` (θ₀ from
    −2.8 to 2.8 in steps of 0.1).
    """
    if landscape not in LANDSCAPES:
        raise ValueError(f"landscape must be one of {', '.join(map(repr, LANDSCAPES))}, got {landscape!r}")
    runs = {name: landscape_runs(name) for name in LANDSCAPES}
    steps = np.arange(STEPS_PER_LEVEL * len(SCHEDULE) + 1)

    fig, (left, right) = new_figure(2, width=5.0, height=4.0, width_ratios=(1, 1.1))
    (plain,) = left.plot([], [], color="grey", linewidth=1.0, animated=True, label="$J$")
    (blurred,) = left.plot([], [], color=COLORS["continuation"], linewidth=2.0, animated=True,
                           label=r"$J_\sigma$")
    (origin,) = left.plot([], [], "o", color="black", markerfacecolor="white", markersize=7, animated=True,
                          label=r"start $\theta_0$")
    (stuck,) = left.plot([], [], "x", color=COLORS["gradient descent on J"], markersize=10, markeredgewidth=2.5,
                         animated=True, label="gradient descent on $J$ ends")
    (here,) = left.plot([], [], "o", color=COLORS["continuation"], markersize=8, animated=True,
                        label=r"continuation after level $\sigma$")
    (best,) = left.plot([], [], "*", color="gold", markeredgecolor="black", markersize=15, animated=True,
                        label="global minimum of $J$")
    left.set_xlim(*WINDOW_1D)
    left.set_ylim(*VALUES_1D)
    left.set_xlabel(r"$\theta$")
    left.set_ylabel(r"$J_\sigma(\theta)$")
    left.legend(loc="upper center", fontsize=7.5, ncol=2)
    left.set_title(" ", fontsize=9.5)
    left.title.set_animated(True)

    for level in range(1, len(SCHEDULE)):
        right.axvline(level * STEPS_PER_LEVEL, color="lightgrey", linestyle=":", linewidth=0.8)
    for level, s in enumerate(SCHEDULE):
        right.text((level + 0.5) * STEPS_PER_LEVEL, 2.85, f"{s:g}", ha="center", va="top", fontsize=7, color="grey")
    right.text(0.0, 3.05, "σ of each level:", fontsize=7, color="grey", va="bottom")
    lines = {name: right.plot([], [], color=color, linewidth=1.5, label=name, animated=True)[0]
             for name, color in COLORS.items()}
    (target,) = right.plot([], [], "--", color="goldenrod", linewidth=1.0, animated=True, label="global minimum")
    (mark,) = right.plot([], [], "o", color=COLORS["continuation"], markersize=6, animated=True)
    right.set_xlim(0, steps[-1])
    right.set_ylim(*WINDOW_1D)
    right.set_xlabel("step")
    right.set_ylabel(r"$\theta$")
    right.legend(loc="lower right", fontsize=7.5)
    right.set_title(" ", fontsize=9.5)
    right.title.set_animated(True)

    def update(landscape: str, sigma: float, start: float) -> None:
        run, level = runs[landscape], SCHEDULE.index(sigma)
        objective, s = run["objective"], int(np.argmin(np.abs(STARTS - start)))
        plain.set_data(run["grid"], run["curves"][-1])
        blurred.set_data(run["grid"], run["curves"][level])
        theta0, end_gd = STARTS[s], run["descent"][-1, s]
        end = (level + 1) * STEPS_PER_LEVEL
        now = run["continuation"][end, s]
        origin.set_data([theta0], [_value_at(objective, theta0, 0.0)])
        stuck.set_data([end_gd], [_value_at(objective, end_gd, 0.0)])
        here.set_data([now], [_value_at(objective, now, sigma)])
        best.set_data([run["best"]], [_value_at(objective, run["best"], 0.0)])
        lines["gradient descent on J"].set_data(steps, run["descent"][:, s])
        lines["continuation"].set_data(steps[:end + 1], run["continuation"][:end + 1, s])
        target.set_data([0, steps[-1]], [run["best"]] * 2)
        mark.set_data([end], [now])
        right.title.set_text(f"θ per step, ε = {LR_1D[landscape]:g}")
        convex = "convex" if sigma >= run["convex"] else "not convex"
        left.title.set_text(f"σ = {sigma:g}: $J_\\sigma$ {convex} (convex from σ ≈ {run['convex']:.2f})")

    return Explorer(
        {
            "landscape": choice("landscape", landscape, {name: name for name in LANDSCAPES}),
            "sigma": options_slider("blur σ (level)", sigma, list(SCHEDULE)),
            "start": linear_slider("start θ₀", start, STARTS[0], STARTS[-1], 0.1),
        },
        fig,
        update,
    )


# --- continuation in two dimensions --------------------------------------------------------

WINDOW_2D = (-3.0, 3.0)
STEPS_2D, LR_2D = 100, 0.1
#: The starts: a 4 × 4 grid.
STARTS_2D = np.array([(a, b) for b in (-2.25, -0.75, 0.75, 2.25) for a in (-2.25, -0.75, 0.75, 2.25)])


@functools.cache
def egg_crate_runs(resolution: int = 161) -> dict[str, Any]:
    """J_σ of :func:`course.strategies.smoothing.egg_crate` on a grid for each σ of the
    schedule, and the paths of gradient descent on J and of continuation from every start."""
    objective = egg_crate()
    axis = np.linspace(*WINDOW_2D, resolution)
    grid = asarray(np.stack(np.meshgrid(axis, axis), axis=-1))
    images = np.stack([to_numpy(objective.value(grid, s)) for s in SCHEDULE])
    starts = asarray(STARTS_2D)
    total = STEPS_2D * len(SCHEDULE)
    descent = to_numpy(continuation_path(objective.grad, starts, [0.0], LR_2D, total))
    blurred = to_numpy(continuation_path(objective.grad, starts, SCHEDULE, LR_2D, STEPS_2D))
    flat = images[-1].reshape(-1)
    best = to_numpy(grid).reshape(-1, 2)[int(np.argmin(flat))]
    return {"images": images, "descent": descent, "continuation": blurred, "best": best}


def continuation_2d_explorer(sigma: float = 2.0) -> Explorer:
    """Continuation on a 2-D egg crate (:func:`course.strategies.smoothing.egg_crate`).

    The picture is J_σ for the chosen level σ of :data:`SCHEDULE` (one colour scale for
    every σ: blurring flattens the ripples). From 16 starts, gradient descent on J (red,
    1000 steps of ε = 0.1) ends in a local minimum near each; continuation (blue,
    100 steps per level) is drawn up to the end of the chosen level, with a dot where each
    run is then. Everything is computed once.

    Controls: ``"sigma"`` (a level of the schedule, from σ₀ = 2 down to 0).
    """
    run = egg_crate_runs()
    fig, ax = new_figure(1, width=5.6, height=5.6)
    low, high = float(run["images"][-1].min()), float(run["images"][-1].max())
    image = ax.imshow(run["images"][0], extent=(*WINDOW_2D, *WINDOW_2D), origin="lower", cmap="viridis",
                      vmin=low, vmax=high, animated=True)
    fig.colorbar(image, ax=ax, shrink=0.8, label=r"$J_\sigma(\theta)$")
    # everything on the picture is animated, so that it is drawn over the image
    for k in range(len(STARTS_2D)):
        ax.plot(run["descent"][:, k, 0], run["descent"][:, k, 1], color="tab:red", linewidth=1.0, animated=True,
                label="gradient descent on $J$" if k == 0 else None)
    ax.plot(run["descent"][-1, :, 0], run["descent"][-1, :, 1], "x", color="tab:red", markersize=8,
            markeredgewidth=2, animated=True)
    ax.plot(STARTS_2D[:, 0], STARTS_2D[:, 1], "o", color="white", markeredgecolor="black", markersize=5,
            animated=True, label="starts")
    ax.plot(*run["best"], "*", color="gold", markeredgecolor="black", markersize=16, animated=True, zorder=5,
            label="global minimum of $J$")
    paths = [ax.plot([], [], color="tab:blue", linewidth=1.3, animated=True,
                     label="continuation" if k == 0 else None)[0] for k in range(len(STARTS_2D))]
    (ends,) = ax.plot([], [], "o", color="tab:blue", markeredgecolor="white", markersize=7, animated=True)
    ax.set_xlim(*WINDOW_2D)
    ax.set_ylim(*WINDOW_2D)
    ax.set_xlabel(r"$\theta_1$")
    ax.set_ylabel(r"$\theta_2$")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, fontsize=7.5)  # below the picture
    ax.set_title(" ", fontsize=9.5)
    ax.title.set_animated(True)

    def update(sigma: float) -> None:
        level = SCHEDULE.index(sigma)
        end = (level + 1) * STEPS_2D
        image.set_data(run["images"][level])
        for k, line in enumerate(paths):
            line.set_data(run["continuation"][:end + 1, k, 0], run["continuation"][:end + 1, k, 1])
        ends.set_data(run["continuation"][end, :, 0], run["continuation"][end, :, 1])
        ax.title.set_text(f"σ = {sigma:g} (level {level + 1} of {len(SCHEDULE)}): "
                          f"cos 3θ₁ damped by e^(−9σ²/2) = {math.exp(-0.5 * 9 * sigma**2):.2g}")

    return Explorer({"sigma": options_slider("blur σ (level)", sigma, list(SCHEDULE))}, fig, update)


# --- curriculum learning -------------------------------------------------------------------

CURRICULUM_STEPS = 300
RAMPS = (75, 150, 225, 300)
NOISE = {"clean labels": 0.0, "noisy near the boundary": 0.1}
METRICS = {"test accuracy": "test_accuracy", "accuracy on the hardest third": "hard_accuracy"}
ORDER_COLORS = {"random": "tab:grey", "easy first": "tab:blue", "hard first": "tab:orange"}
CURRICULUM_SEEDS = 8
ACCURACY_RANGE = (0.5, 1.0)


@functools.cache
def curriculum_runs(seeds: int = CURRICULUM_SEEDS, steps: int = CURRICULUM_STEPS) -> dict[str, Any]:
    """:func:`course.strategies.curriculum.curriculum_experiment` for each label noise of :data:`NOISE`."""
    ramps = tuple(r * steps // CURRICULUM_STEPS for r in RAMPS)
    return {label: curriculum_experiment(ramps, seeds, steps, noise=noise, hidden=(16, 16), n_test=1000,
                                         every=max(1, steps // 30))
            for label, noise in NOISE.items()}


def curriculum_explorer(ramp: int = 150, noise: str = "clean labels", metric: str = "test accuracy",
                        seeds: int = CURRICULUM_SEEDS, steps: int = CURRICULUM_STEPS) -> Explorer:
    """Random order, easy first and hard first on :func:`course.strategies.curriculum.margin_task`.

    Left: the chosen accuracy on the test set per step, one thin line per seed and the
    median bold, for the three orders; the dotted line marks K_ramp, the step from which
    every example is in play. Right: the accuracy after the last step, one dot per seed
    and a bar at the median. The ``seeds`` × 9 networks of each label noise are trained
    once, at construction.

    Controls: ``"ramp"`` (K_ramp: 75, 150, 225 or 300 of the 300 steps), ``"noise"``
    (clean labels, or labels flipped with probability ½ e^{−margin/0.1}),
    ``"metric"`` (test accuracy, or the accuracy on the test examples of the smallest
    third of margins).
    """
    if ramp not in RAMPS:
        raise ValueError(f"ramp must be one of {', '.join(map(str, RAMPS))}, got {ramp!r}")
    runs = curriculum_runs(seeds, steps)
    ramps = dict(zip(RAMPS, next(iter(runs.values())).ramps))
    fig, (left, right) = new_figure(2, width=4.8, height=3.9, width_ratios=(1.6, 1))
    thin = {order: [left.plot([], [], color=color, linewidth=0.6, alpha=0.35, animated=True)[0]
                    for _ in range(seeds)] for order, color in ORDER_COLORS.items()}
    bold = {order: left.plot([], [], color=color, linewidth=2.2, animated=True, label=order)[0]
            for order, color in ORDER_COLORS.items()}
    line = left.axvline(0, color="black", linestyle=":", linewidth=1.0, animated=True)
    left.set_xlim(0, steps)
    left.set_ylim(*ACCURACY_RANGE)
    left.set_xlabel("step")
    left.set_ylabel("accuracy on the test set")
    left.grid(True, alpha=0.3)
    left.legend(loc="lower right", fontsize=8)
    left.set_title(" ", fontsize=9.5)
    left.title.set_animated(True)
    dots = {order: right.plot([], [], "o", color=color, alpha=0.7, markersize=5, animated=True)[0]
            for order, color in ORDER_COLORS.items()}
    medians = {order: right.plot([], [], "_", color="black", markersize=22, markeredgewidth=2, animated=True)[0]
               for order in ORDER_COLORS}
    right.set_xlim(-0.6, len(ORDERS) - 0.4)
    right.set_ylim(*ACCURACY_RANGE)
    right.set_xticks(range(len(ORDERS)), list(ORDERS), fontsize=8)
    right.set_xlabel("order")
    right.set_ylabel("after the last step")
    right.grid(True, axis="y", alpha=0.3)
    right.set_title(" ", fontsize=9)
    right.title.set_animated(True)
    jitter = np.linspace(-0.18, 0.18, seeds)

    def update(ramp: int, noise: str, metric: str) -> None:
        result = runs[noise]
        table, k_ramp = getattr(result, METRICS[metric]), ramps[ramp]
        for j, order in enumerate(ORDERS):
            values = table[order, k_ramp]
            for seed, artist in enumerate(thin[order]):
                artist.set_data(result.steps, values[:, seed])
            bold[order].set_data(result.steps, np.median(values, axis=1))
            dots[order].set_data(j + jitter, values[-1])
            medians[order].set_data([j], [np.median(values[-1])])
        line.set_xdata([k_ramp, k_ramp])
        left.title.set_text(f"{noise}: every example in play from step {k_ramp}")
        right.title.set_text(f"{metric}, {seeds} seeds")

    return Explorer(
        {
            "ramp": options_slider("ramp K_ramp", ramp, list(RAMPS)),
            "noise": choice("labels", noise, {label: label for label in NOISE}),
            "metric": choice("metric", metric, {label: label for label in METRICS}),
        },
        fig,
        update,
    )


# --- pretraining ---------------------------------------------------------------------------

SETTING_COLORS = dict(zip(GREEDY, ("tab:grey", "tab:blue", "tab:green"))) | dict(
    zip(TRANSFER, ("tab:grey", "tab:blue", "tab:purple")))
PRETRAINING_METRICS = ("training loss", "test error")
PRETRAINING_SEEDS = 5
#: The depths of the greedy experiment (stages of 75 steps, then 100 of fine-tuning).
GREEDY_DEPTHS = (2, 4, 6)
STAGE_STEPS, FINETUNE_STEPS = 75, 100
#: Points per class of task B, and the steps of its training.
TASK_SIZES = (5, 10, 20, 40)
TRANSFER_STEPS = 400
ERROR_RANGE = (1e-2, 2.0)


@functools.cache
def greedy_runs(seeds: int = PRETRAINING_SEEDS, scale: float = 1.0,
                depths: tuple[int, ...] = GREEDY_DEPTHS) -> dict[int, Curves]:
    """:func:`course.strategies.pretraining.greedy_pretraining` for every depth (``scale``
    shortens every run, for tests)."""
    s = lambda n: max(1, int(round(n * scale)))  # noqa: E731
    return {depth: greedy_pretraining(depth, seeds, stage_steps=s(STAGE_STEPS), finetune_steps=s(FINETUNE_STEPS),
                                      every=s(25))
            for depth in depths}


@functools.cache
def transfer_runs(seeds: int = PRETRAINING_SEEDS, scale: float = 1.0,
                  sizes: tuple[int, ...] = TASK_SIZES) -> dict[int, Curves]:
    """:func:`course.strategies.pretraining.transfer` for every size of task B."""
    s = lambda n: max(1, int(round(n * scale)))  # noqa: E731
    return transfer(seeds, sizes=sizes, pretrain_steps=s(500), steps=s(TRANSFER_STEPS), every=s(20))


def _metric(curves: Curves, metric: str) -> dict[str, np.ndarray]:
    """The training losses, or the test errors 1 − accuracy, of every setting, clipped to the axis."""
    table = curves.train_loss if metric == "training loss" else {
        name: 1.0 - values for name, values in curves.test_accuracy.items()}
    return {name: np.clip(values, *ERROR_RANGE) for name, values in table.items()}


def _curves_axes(ax: Any, settings: tuple[str, ...], seeds: int, last: int) -> tuple[dict, dict]:
    """Thin per-seed lines and bold medians of ``settings`` on a log axis of training loss / test error."""
    thin = {name: [ax.plot([], [], color=SETTING_COLORS[name], linewidth=0.6, alpha=0.35, animated=True)[0]
                   for _ in range(seeds)] for name in settings}
    bold = {name: ax.plot([], [], color=SETTING_COLORS[name], linewidth=2.2, animated=True, label=name)[0]
            for name in settings}
    ax.set_xlim(0, last)
    ax.set_ylim(*ERROR_RANGE)
    log_scale(ax)
    ax.set_xlabel("step")
    ax.set_ylabel("training loss or test error")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="lower left", fontsize=7.5)
    ax.set_title(" ", fontsize=9.5)
    ax.title.set_animated(True)
    return thin, bold


def _summary_axes(ax: Any, settings: tuple[str, ...], xs: tuple[int, ...], seeds: int) -> tuple[dict, dict, Any]:
    """Per setting, the final values against ``xs`` (one dot per seed, the median joined), and a marker line."""
    dots = {name: ax.plot([], [], "o", color=SETTING_COLORS[name], alpha=0.45, markersize=3.5, animated=True)[0]
            for name in settings}
    medians = {name: ax.plot([], [], "-", marker="s", color=SETTING_COLORS[name], markersize=5, linewidth=1.5,
                             animated=True)[0] for name in settings}
    here = ax.axvline(xs[0], color="black", linestyle=":", linewidth=1.0, animated=True)
    ax.set_ylim(*ERROR_RANGE)
    log_scale(ax)
    ax.grid(True, which="major", alpha=0.3)
    ax.set_ylabel("after the last step")
    ax.set_title(" ", fontsize=9.5)
    ax.title.set_animated(True)
    return dots, medians, here


def _show_summary(dots: dict, medians: dict, runs: dict[int, Curves], metric: str, seeds: int) -> None:
    xs = sorted(runs)
    finals = {x: _metric(runs[x], metric) for x in xs}
    spread = np.linspace(-0.06, 0.06, seeds)
    for name in dots:
        values = np.array([finals[x][name][-1] for x in xs])  # (len(xs), seeds)
        dots[name].set_data((np.array(xs)[:, None] * np.exp(spread)[None, :]).ravel(), values.ravel())
        medians[name].set_data(xs, np.median(values, axis=1))


def pretraining_explorer(depth: int = 4, metric: str = "training loss", seeds: int = PRETRAINING_SEEDS,
                         scale: float = 1.0, depths: tuple[int, ...] = GREEDY_DEPTHS) -> Explorer:
    """Greedy supervised layer-wise pretraining against training all layers at once, over seeds.

    Left: the training loss or the test error (1 − accuracy) per step, log axis, one thin
    line per seed and the median bold, for the settings of
    :data:`course.strategies.pretraining.GREEDY`; dotted lines mark the ends of the stages
    (each adds a hidden layer and a new output layer; then the whole network is fine-tuned).
    Right: the value after the last step against the depth, one dot per seed and the
    medians joined. Every depth is trained once, at construction.

    Controls: ``"depth"`` (hidden layers: 2, 4 or 6), ``"metric"`` (training loss, test error).
    """
    if depth not in depths:
        raise ValueError(f"depth must be one of {', '.join(map(str, depths))}, got {depth!r}")
    if metric not in PRETRAINING_METRICS:
        raise ValueError(f"metric must be one of {', '.join(map(repr, PRETRAINING_METRICS))}, got {metric!r}")
    runs = greedy_runs(seeds, scale, tuple(depths))
    last = max(int(curves.steps[-1]) for curves in runs.values())
    fig, (left, right) = new_figure(2, width=4.8, height=3.9, width_ratios=(1.6, 1))
    thin, bold = _curves_axes(left, GREEDY, seeds, last)
    stages = [left.axvline(0, color="black", linestyle=":", linewidth=0.8, animated=True) for _ in range(max(depths))]
    dots, medians, here = _summary_axes(right, GREEDY, tuple(depths), seeds)
    right.set_xscale("log")
    right.set_xlim(min(depths) / 1.3, max(depths) * 1.3)
    right.set_xticks(list(depths), [str(d) for d in depths])
    right.minorticks_off()
    right.set_xlabel("hidden layers")

    def update(depth: int, metric: str) -> None:
        curves = runs[depth]
        table = _metric(curves, metric)
        for name in GREEDY:
            for seed, artist in enumerate(thin[name]):
                artist.set_data(curves.steps, table[name][:, seed])
            bold[name].set_data(curves.steps, np.median(table[name], axis=1))
        for artist, mark in zip(stages, (*curves.marks, *([None] * len(stages)))):
            artist.set_visible(mark is not None)
            if mark is not None:
                artist.set_xdata([mark, mark])
        _show_summary(dots, medians, runs, metric, seeds)
        here.set_xdata([depth, depth])
        left.title.set_text(f"{depth} hidden layers: {metric}")
        right.title.set_text(f"{metric} after fine-tuning")

    return Explorer(
        {
            "depth": options_slider("hidden layers", depth, list(depths)),
            "metric": choice("metric", metric, {name: name for name in PRETRAINING_METRICS}),
        },
        fig,
        update,
    )


def transfer_explorer(per_class: int = 10, metric: str = "test error", seeds: int = PRETRAINING_SEEDS,
                      scale: float = 1.0, sizes: tuple[int, ...] = TASK_SIZES) -> Explorer:
    """Initializing from a network trained on a related task, on an unrelated one, or not at all.

    Left: the training loss or the test error (1 − accuracy) on task B per step, log axis,
    one thin line per seed and the median bold, for the settings of
    :data:`course.strategies.pretraining.TRANSFER`. Middle: the value after the last step
    against the number of training points per class of task B. Right: the three tasks:
    task B's training points (large), task A's spirals (faint) and the unrelated blobs
    (crosses). Everything is trained once, at construction
    (:func:`course.strategies.pretraining.transfer`).

    Controls: ``"per_class"`` (points per class of task B: 5, 10, 20 or 40), ``"metric"``.
    """
    if per_class not in sizes:
        raise ValueError(f"per_class must be one of {', '.join(map(str, sizes))}, got {per_class!r}")
    if metric not in PRETRAINING_METRICS:
        raise ValueError(f"metric must be one of {', '.join(map(repr, PRETRAINING_METRICS))}, got {metric!r}")
    runs = transfer_runs(seeds, scale, tuple(sizes))
    last = max(int(curves.steps[-1]) for curves in runs.values())
    fig, (left, middle, right) = new_figure(3, width=3.8, height=3.9, width_ratios=(1.4, 1, 1))
    thin, bold = _curves_axes(left, TRANSFER, seeds, last)
    dots, medians, here = _summary_axes(middle, TRANSFER, tuple(sizes), seeds)
    middle.set_xscale("log")
    middle.set_xlim(min(sizes) / 1.4, max(sizes) * 1.4)
    middle.set_xticks(list(sizes), [str(n) for n in sizes])
    middle.minorticks_off()
    middle.set_xlabel("points per class of task B")

    XA, yA = spirals(100, 3, seed=0)
    XU, _ = blobs(300, BLOB_CENTERS, std=0.2, seed=0)
    classes = np.array(["tab:red", "tab:green", "tab:blue"])
    right.scatter(XA[:, 0], XA[:, 1], c=classes[yA], s=6, alpha=0.25, label="task A (related)")
    right.scatter(XU[:, 0], XU[:, 1], c="grey", marker="x", s=8, linewidths=0.8, label="blobs (unrelated)")
    task_b = {n: spirals(n, 3, seed=2) for n in sizes}
    points = right.scatter([], [], s=45, edgecolors="black", animated=True)
    right.set_xlim(-1.15, 1.15)
    right.set_ylim(-1.15, 1.15)
    right.set_aspect("equal")
    right.set_xlabel("$x_1$")
    right.set_ylabel("$x_2$")
    right.legend(loc="lower left", fontsize=7, framealpha=0.9)
    right.set_title(" ", fontsize=9.5)
    right.title.set_animated(True)

    def update(per_class: int, metric: str) -> None:
        curves = runs[per_class]
        table = _metric(curves, metric)
        for name in TRANSFER:
            for seed, artist in enumerate(thin[name]):
                artist.set_data(curves.steps, table[name][:, seed])
            bold[name].set_data(curves.steps, np.median(table[name], axis=1))
        _show_summary(dots, medians, runs, metric, seeds)
        here.set_xdata([per_class, per_class])
        X, y = task_b[per_class]
        points.set_offsets(rotated(X))
        points.set_facecolor(classes[y])
        left.title.set_text(f"task B, {per_class} points per class: {metric}")
        middle.title.set_text(f"{metric} after {last} steps")
        right.title.set_text(f"task B: {3 * per_class} points (large)")

    return Explorer(
        {
            "per_class": options_slider("points per class (task B)", per_class, list(sizes)),
            "metric": choice("metric", metric, {name: name for name in PRETRAINING_METRICS}),
        },
        fig,
        update,
    )


# --- skip connections ----------------------------------------------------------------------

DEPTHS = (2, 4, 8, 16, 32)
CHECKPOINTS = (0, 10, 50, 150, 299)
SKIP_STEPS = 300
SKIP_SEEDS = 4
ARCH_COLORS = {"plain": "tab:red", "residual": "tab:blue"}
NORM_RANGE = (1e-10, 1e2)
SKIP_LOSS_RANGE = (1e-2, 3.0)


@functools.cache
def skip_runs(seeds: int = SKIP_SEEDS, steps: int = SKIP_STEPS, depths: tuple[int, ...] = DEPTHS) -> dict[str, Any]:
    """:func:`course.strategies.skip.skip_experiment` for every initialization of
    :data:`course.strategies.skip.INITS`."""
    checkpoints = tuple(sorted({min(c, steps - 1) for c in CHECKPOINTS}))
    runs = skip_experiment(depths, tuple(INITS), seeds, steps, checkpoints)
    return {init: {depth: runs[init, depth] for depth in depths} for init in INITS}


def _smooth(values: np.ndarray, window: int = 10) -> np.ndarray:
    """Moving average along the last axis over the ``window`` last values (fewer at the start)."""
    total = np.cumsum(values, axis=-1)
    shifted = np.concatenate([np.zeros(values.shape[:-1] + (window,)), total[..., :-window]], axis=-1)
    counts = np.minimum(np.arange(1, values.shape[-1] + 1), window)
    return (total - shifted[..., :values.shape[-1]]) / counts


def skip_explorer(depth: int = 16, init: str = "U(±1/√m)", step: int = 0, seeds: int = SKIP_SEEDS,
                  steps: int = SKIP_STEPS, depths: tuple[int, ...] = DEPTHS) -> Explorer:
    """Gradient norms per layer of a deep plain tanh network and of the same network with skip connections.

    Left: ‖∂J/∂W_l‖ of every block l (log axis) at the chosen step, one thin line per
    seed and the median with markers, plain (h ← tanh(hW)) and residual
    (h ← h + tanh(hW)), from the same initial weights. Right: the training loss per step
    (minibatch loss, averaged over 10 steps), one thin line per seed and the median; the
    dotted line marks the chosen step. Every network is trained once, at construction
    (:func:`course.strategies.skip.skip_experiment`).

    Controls: ``"depth"`` (number of blocks), ``"init"`` (U(±1/√m) or Glorot),
    ``"step"`` (0: at initialization, up to the last step).
    """
    if depth not in depths:
        raise ValueError(f"depth must be one of {', '.join(map(str, depths))}, got {depth!r}")
    if init not in INITS:
        raise ValueError(f"init must be one of {', '.join(map(repr, INITS))}, got {init!r}")
    runs = skip_runs(seeds, steps, tuple(depths))
    checkpoints = next(iter(next(iter(runs.values())).values())).checkpoints
    fig, (left, right) = new_figure(2, width=4.9, height=3.9)
    thin_norms = {a: [left.plot([], [], color=c, linewidth=0.6, alpha=0.4, animated=True)[0] for _ in range(seeds)]
                  for a, c in ARCH_COLORS.items()}
    norms = {a: left.plot([], [], "o-", color=c, markersize=3, linewidth=1.8, animated=True, label=a)[0]
             for a, c in ARCH_COLORS.items()}
    left.set_xlim(0.5, max(depths) + 0.5)
    left.set_ylim(*NORM_RANGE)
    log_scale(left)
    left.set_xlabel("block $l$")
    left.set_ylabel(r"$\|\partial J/\partial W_l\|$")
    left.grid(True, which="major", alpha=0.3)
    left.legend(loc="lower right", fontsize=8)
    left.set_title(" ", fontsize=9.5)
    left.title.set_animated(True)
    thin_losses = {a: [right.plot([], [], color=c, linewidth=0.6, alpha=0.4, animated=True)[0]
                       for _ in range(seeds)] for a, c in ARCH_COLORS.items()}
    losses = {a: right.plot([], [], color=c, linewidth=1.8, animated=True, label=a)[0] for a, c in ARCH_COLORS.items()}
    here = right.axvline(0, color="black", linestyle=":", linewidth=1.0, animated=True)
    right.set_xlim(0, steps)
    right.set_ylim(*SKIP_LOSS_RANGE)
    log_scale(right)
    right.set_xlabel("step")
    right.set_ylabel("training loss")
    right.grid(True, which="major", alpha=0.3)
    right.legend(loc="lower left", fontsize=8)
    right.set_title(" ", fontsize=9.5)
    right.title.set_animated(True)
    smoothed = {key: {d: _smooth(run.losses) for d, run in by_depth.items()} for key, by_depth in runs.items()}

    def update(depth: int, init: str, step: int) -> None:
        run, c = runs[init][depth], checkpoints.index(step)
        blocks = np.arange(1, depth + 1)
        for a, arch in enumerate(ARCHITECTURES):
            values = np.clip(run.grad_norms[c, a], *NORM_RANGE)
            for seed, artist in enumerate(thin_norms[arch]):
                artist.set_data(blocks, values[:, seed])
            norms[arch].set_data(blocks, np.median(values, axis=1))
            curves = np.clip(smoothed[init][depth][a], *SKIP_LOSS_RANGE)
            for seed, artist in enumerate(thin_losses[arch]):
                artist.set_data(np.arange(steps), curves[seed])
            losses[arch].set_data(np.arange(steps), np.median(curves, axis=0))
        here.set_xdata([step, step])
        when = "at initialization" if step == 0 else f"at step {step}"
        left.title.set_text(f"{depth} blocks, {init}, {when}")
        end = np.median(run.losses[:, :, -10:], axis=(1, 2))
        right.title.set_text(f"final loss: plain {end[0]:.2f}, residual {end[1]:.2f}")

    return Explorer(
        {
            "depth": options_slider("depth (blocks)", depth, list(depths)),
            "init": choice("initialization", init, {name: name for name in INITS}),
            "step": options_slider("step", step, list(checkpoints)),
        },
        fig,
        update,
    )
