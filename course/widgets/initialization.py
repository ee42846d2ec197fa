"""Lecture 08: activations through a deep network per initialization, the staircase of
coordinate descent on a coupled quadratic, and averaged iterates of a bouncing gradient descent."""

from __future__ import annotations

import functools
import math
from typing import Callable, NamedTuple

import numpy as np

from course import init
from course import validation as check
from course.backend import asarray
from course.coordinate import averaged_iterates, coordinate_descent
from course.optim import SGD, run
from course.plotting import PathLine, colors_for, contours, log_scale, new_figure
from course.problems import Quadratic, coupled_quadratic, rotated, rotation
from course.widgets.explorer import Explorer, choice, linear_slider, log_slider
from course.widgets.momentum import valley

# --- Activations through a deep network ------------------------------------------------

#: Non-zero incoming weights per unit of the sparse initialization.
SPARSE_K = 15

#: The initializations, by label: each draws an (m, n) matrix whose "unit scale" g = 1 is
#: the rule's own (the sparse weights have standard deviation 1/√k, so that a unit's
#: input has the variance of its inputs, as with Glorot for m = n).
INITS: dict[str, Callable[[tuple[int, int], np.random.Generator], np.ndarray]] = {
    "U(±1/√m)": init.uniform_fan_in,
    "Glorot": init.glorot_uniform,
    "orthogonal": lambda shape, rng: init.orthogonal(shape, 1.0, rng),
    f"sparse (k = {SPARSE_K})": lambda shape, rng: init.sparse(shape, SPARSE_K, rng, scale=1 / math.sqrt(SPARSE_K)),
}

#: m·Var(W_ij) at g = 1 for m = n inputs: how a layer scales the variance of a linear unit's input.
VARIANCE_GAIN = {"U(±1/√m)": 1 / 3, "Glorot": 1.0, "orthogonal": 1.0, f"sparse (k = {SPARSE_K})": 1.0}

ACTIVATIONS = {"tanh": (np.tanh, lambda a, h: 1 - h * h), "ReLU": (lambda a: np.maximum(a, 0), lambda a, h: a > 0)}

#: Histogram window of the activations: values outside are counted in the edge bins.
HIST_RANGE = (-3.0, 3.0)
HIST_BINS = 60
#: The standard-deviation axis: every setting of the sliders stays inside it or leaves
#: it through an edge (values are clipped to it, never 0 on the log axis).
STD_RANGE = (1e-6, 1e4)


#: The scales g of the slider: 0.1, 0.2, …, 3 (1.4 ≈ √2 is the usual gain for ReLUs).
SCALE_STEP = 0.1
SCALES = np.round(SCALE_STEP * np.arange(1, 31), 6)


class Statistics(NamedTuple):
    """What the activations explorer shows, for every scale g of :data:`SCALES`."""

    histograms: np.ndarray  # (scales, layers, bins): the density of h_1, …, h_L, at most 0.9
    activation_std: np.ndarray  # (scales, layers + 1): std of h_0 (the input), h_1, …, h_L
    gradient_std: np.ndarray  # (scales, layers + 1): std of ∂L/∂h_0, …, ∂L/∂h_L


def _histograms(h: np.ndarray) -> np.ndarray:
    """Densities over :data:`HIST_RANGE` of each row block h[s] (values outside in the edge bins)."""
    low, high = HIST_RANGE
    width = (high - low) / HIST_BINS
    index = np.clip(((h - low) / width).astype(np.int64), 0, HIST_BINS - 1).reshape(len(h), -1)
    offsets = HIST_BINS * np.arange(len(h))[:, None]
    counts = np.bincount((index + offsets).ravel(), minlength=HIST_BINS * len(h)).reshape(len(h), HIST_BINS)
    return counts / (index.shape[1] * width)


def scale_sweep(weights: list[np.ndarray], scales: np.ndarray, activation: str,
                x: np.ndarray, dout: np.ndarray) -> Statistics:
    """Forward ``x`` = h_0 through h_l = φ(a_l), a_l = h_{l−1} · g W_l (no biases), and
    back-propagate ``dout`` = ∂L/∂h_L by ∂L/∂h_{l−1} = (∂L/∂h_l ⊙ φ'(a_l)) (g W_l)ᵀ, for every
    scale g of ``scales`` at once (one matrix product per layer and direction).
    """
    phi, derivative = ACTIVATIONS[activation]
    g = scales[:, None, None].astype(x.dtype)
    h = np.broadcast_to(x, (len(scales), *x.shape))
    activation_std, gradient_std, histograms, slopes = [h.std(axis=(1, 2))], [], [], []
    for w in weights:
        a = (h.reshape(-1, x.shape[1]) @ w).reshape(h.shape) * g
        h = phi(a)
        slopes.append(derivative(a, h))
        activation_std.append(h.std(axis=(1, 2)))
        histograms.append(_histograms(h))
    delta = np.broadcast_to(dout, h.shape)
    gradient_std.append(delta.std(axis=(1, 2)))
    for w, slope in zip(reversed(weights), reversed(slopes)):
        delta = ((delta * slope).reshape(-1, x.shape[1]) @ w.T).reshape(h.shape) * g
        gradient_std.append(delta.std(axis=(1, 2)))
    return Statistics(np.minimum(np.stack(histograms, axis=1), 0.9),
                      np.clip(np.stack(activation_std, axis=1), *STD_RANGE),
                      np.clip(np.stack(gradient_std[::-1], axis=1), *STD_RANGE))


def initialization_explorer(layers: int = 10, width: int = 256, batch: int = 32, seed: int = 0) -> Explorer:
    """Activations and back-propagated gradients of a deep network at initialization.

    ``layers`` layers of ``width`` units, h_l = φ(h_{l−1} · g W_l) with no biases, on a
    batch of standard normal inputs; W_l from the chosen initialization (:data:`INITS`)
    times the scale g. Left: the histogram of each layer's activations, stacked
    (layer 1 at the bottom; a common height scale, clipped; values outside ±3 fall in
    the edge bins). Right: the standard deviation of the activations h_l and of the
    gradients ∂L/∂h_l back-propagated from a random ∂L/∂h_L, per layer, on a log axis.
    Everything is computed at construction, for every initialization, activation and g.

    Controls: ``"init"``, ``"activation"`` (tanh or ReLU), ``"scale"`` (g from 0.1 to 3
    in steps of 0.1, so that 1.4 ≈ √2, the gain for ReLUs, can be reached).
    """
    layers = check.integer("layers", layers, minimum=1)
    width = check.integer("width", width, minimum=2)
    batch = check.integer("batch", batch, minimum=2)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, width)).astype(np.float32)
    dout = rng.standard_normal((batch, width)).astype(np.float32)
    statistics = {}
    for name, draw in INITS.items():
        generator = np.random.default_rng(seed + 1)
        weights = [draw((width, width), generator).astype(np.float32) for _ in range(layers)]
        for activation in ACTIVATIONS:
            statistics[name, activation] = scale_sweep(weights, SCALES, activation, x, dout)

    fig, (left, right) = new_figure(2, width=5.0, height=4.6, width_ratios=(1, 1.1))
    centers = np.linspace(*HIST_RANGE, 2 * HIST_BINS + 1)[1::2]
    ridges = [left.plot([], [], color="tab:blue", linewidth=1.2, animated=True)[0] for _ in range(layers)]
    for layer in range(layers):
        left.axhline(layer + 1, color="lightgrey", linewidth=0.6)
    left.set_xlim(*HIST_RANGE)
    left.set_ylim(0.8, layers + 1.1)
    left.set_yticks(range(1, layers + 1))
    left.set_xlabel(r"activation $h_l$")
    left.set_ylabel(r"layer $l$")
    left.set_title("activations per layer")

    steps = np.arange(layers + 1)
    (forward,) = right.plot([], [], "o-", color="tab:blue", markersize=4, animated=True,
                            label=r"activations: std of $h_l$")
    (backward,) = right.plot([], [], "s--", color="tab:red", markersize=4, animated=True,
                             label=r"gradients: std of $\partial L/\partial h_l$")
    right.axhline(1.0, color="grey", linewidth=0.8, linestyle=":")
    right.set_xlim(-0.3, layers + 0.3)
    right.set_ylim(*STD_RANGE)
    log_scale(right)
    right.set_xlabel(r"layer $l$ (0: the input)")
    right.set_ylabel("standard deviation")
    right.grid(True, which="major", alpha=0.3)
    right.legend(loc="upper left", fontsize=8)
    right.title.set_animated(True)
    note = right.text(0.98, 0.03, "", transform=right.transAxes, ha="right", va="bottom", fontsize=9,
                      animated=True, bbox=dict(boxstyle="round", facecolor="white", edgecolor="grey"))

    def update(init: str, activation: str, scale: float) -> None:
        stats, k = statistics[init, activation], int(round(scale / SCALE_STEP)) - 1
        for layer, (ridge, density) in enumerate(zip(ridges, stats.histograms[k]), start=1):
            ridge.set_data(centers, layer + density)
        forward.set_data(steps, stats.activation_std[k])
        backward.set_data(steps, stats.gradient_std[k])
        right.title.set_text(f"{init}, {activation}, g = {scale:.1f}")
        note.set_text(rf"$m\,\mathrm{{Var}}(g W_{{ij}})$ = {VARIANCE_GAIN[init] * scale**2:.3g}")

    return Explorer(
        {
            "init": choice("initialization", "Glorot", {name: name for name in INITS}),
            "activation": choice("activation", "tanh", {name: name for name in ACTIVATIONS}),
            "scale": linear_slider("scale g", 1.0, SCALES[0], SCALES[-1], SCALE_STEP),
        },
        fig,
        update,
    )


# --- Coordinate descent on the coupled quadratic ----------------------------------------

#: The start of the staircase and the plotting window.
COORDINATE_START = (-0.9, 0.8)
COORDINATE_WINDOW = (-1.0, 1.0)
#: Long semi-axes of the level sets drawn: the ellipses f = α r², whatever α.
LEVEL_RADII = tuple(1.4 * 0.6**k for k in range(8))
#: The axis of f per sweep.
COORDINATE_LOSSES = (1e-12, 1e2)
#: The rotation φ of the problem, in degrees: 0 to 90 in steps of 5.
ANGLE_STEP = 5.0


def turned_coupled(alpha: float, angle: float) -> Quadratic:
    """f(x) = (x₁ − x₂)² + α(x₁² + x₂²) turned by ``angle`` degrees (:func:`course.problems.rotated`),
    with NumPy arrays: at 45° its valley lies along the x₂ axis and the variables separate."""
    return rotated(coupled_quadratic(alpha, xp=np), angle)


def level_set(alpha: float, radius: float, points: int = 200, angle: float = 0.0) -> np.ndarray:
    """The ellipse f(x) = α r² of f(x) = (x₁ − x₂)² + α(x₁² + x₂²) turned by ``angle`` degrees, as (points, 2).

    Along the valley u₁ = (1, 1)/√2, f = α s², so the long semi-axis is r; across it,
    u₂ = (1, −1)/√2, f = (2 + α) s², so the short one is r √(α/(2 + α)).
    """
    t = np.linspace(0.0, 2.0 * np.pi, points)
    along, across = radius * np.cos(t), radius * math.sqrt(alpha / (2.0 + alpha)) * np.sin(t)
    ellipse = np.stack([along + across, along - across], axis=1) / math.sqrt(2.0)
    return ellipse @ rotation(angle).T


def staircase(alpha: float, sweeps: int, angle: float = 0.0) -> np.ndarray:
    """The path of :func:`course.coordinate.coordinate_descent` on the coupled quadratic turned by
    ``angle`` degrees (:func:`turned_coupled`), from :data:`COORDINATE_START`: (2 · sweeps + 1, 2)."""
    return coordinate_descent(turned_coupled(alpha, angle), np.asarray(COORDINATE_START), sweeps)


def sweep_factor(alpha: float, angle: float = 0.0) -> float:
    """The factor by which a sweep of coordinate descent multiplies f after the first sweep.

    For f = ½ xᵀAx in two variables a sweep sets x₁ ← −(A₁₂/A₁₁) x₂, then
    x₂ ← −(A₁₂/A₂₂) x₁, so x₂ is multiplied by c = A₁₂²/(A₁₁A₂₂) per sweep, and after the
    first sweep the point lies on the line x₂ = −(A₁₂/A₂₂) x₁, where f is a multiple of
    x₂²: f is multiplied by c². Unturned, c = 1/(1 + α)², so f × (1 + α)⁻⁴; turned by 45°,
    A₁₂ = 0 and one sweep reaches the minimum.
    """
    (a11, a12), (_, a22) = turned_coupled(alpha, angle).A.tolist()
    return (a12 * a12 / (a11 * a22)) ** 2


def coupled_value(alpha: float, x: np.ndarray, angle: float = 0.0) -> np.ndarray:
    """f(x) for each row of ``x``, f the coupled quadratic (x₁ − x₂)² + α(x₁² + x₂²) turned by
    ``angle`` degrees (at 0°: that formula)."""
    points = np.asarray(x, dtype=np.float64)
    return turned_coupled(alpha, angle).values(points.reshape(-1, 2)).reshape(points.shape[:-1])


def _above_floor(values: np.ndarray, floor: float) -> np.ndarray:
    """The leading values ≥ ``floor`` (a converged run is cut before it leaves a log axis)."""
    below = values < floor
    return values[: int(np.argmax(below))] if below.any() else values


def coordinate_descent_explorer(alpha: float = 0.01, angle: float = 0.0, sweeps: int = 40) -> Explorer:
    """Cyclic coordinate descent on f(x) = (x₁ − x₂)² + α(x₁² + x₂²) from (−0.9, 0.8), turned by φ.

    Unturned, each sweep sets x₁ ← x₂/(1 + α), then x₂ ← x₁/(1 + α) (:func:`staircase`).
    Left: the staircase over level sets of f (the ellipses f = α r² for fixed r, so
    they narrow into the valley as α shrinks). Right: f after each sweep (log axis)
    and the factor per sweep that the analysis predicts (:func:`sweep_factor`:
    (1 + α)⁻⁴ unturned). Turning the problem by φ (:func:`turned_coupled`, the start
    stays) changes only how the valley lies against the coordinate axes: at 45° it lies
    along x₂, the variables separate and one sweep finishes.

    Controls: ``"alpha"`` (α on a log scale from 0.001 to 10, 10 stops per decade),
    ``"angle"`` (φ in degrees, 0 to 90 in steps of 5).
    """
    sweeps = check.integer("sweeps", sweeps, minimum=1)
    check.positive("alpha", alpha)

    @functools.lru_cache(maxsize=None)
    def path(alpha: float, angle: float) -> np.ndarray:
        return staircase(alpha, sweeps, angle)

    fig, (left, right) = new_figure(2, width=5.0, height=4.4, width_ratios=(1, 1.15))
    colors = colors_for(["coordinate descent", "predicted"])
    levels = [left.plot([], [], color="grey", linewidth=0.7, alpha=0.7, animated=True)[0] for _ in LEVEL_RADII]
    left.plot(0.0, 0.0, marker="*", markersize=14, color="gold", markeredgecolor="black", linestyle="none",
              zorder=5)
    (stairs,) = left.plot([], [], "o-", color=colors["coordinate descent"], linewidth=1.2, markersize=2.5,
                          animated=True, label="staircase")
    left.plot(*COORDINATE_START, marker="o", markersize=7, color="white",
              markeredgecolor=colors["coordinate descent"], linestyle="none", zorder=6)
    left.set_xlim(*COORDINATE_WINDOW)
    left.set_ylim(*COORDINATE_WINDOW)
    left.set_aspect("equal")
    left.set_xlabel("$x_1$")
    left.set_ylabel("$x_2$")
    left.title.set_animated(True)

    (losses,) = right.plot([], [], "o-", color=colors["coordinate descent"], markersize=3, animated=True,
                           label="coordinate descent: $f$ after sweep $k$")
    (predicted,) = right.plot([], [], "--", color=colors["predicted"], animated=True,
                              label=r"$f_1\,c^{k-1}$, $c = (A_{12}^2/A_{11}A_{22})^2$")
    right.set_xlim(0, sweeps)
    right.set_ylim(*COORDINATE_LOSSES)
    log_scale(right)
    right.set_xlabel("sweep $k$")
    right.set_ylabel("$f(x)$")
    right.set_title("f per sweep")
    right.grid(True, which="major", alpha=0.3)
    right.legend(loc="upper right", fontsize=8)
    sweep_axis = np.arange(sweeps + 1)

    def update(alpha: float, angle: float) -> None:
        angle = round(angle, 6)
        points = path(alpha, angle)
        for line, radius in zip(levels, LEVEL_RADII):
            line.set_data(*level_set(alpha, radius, angle=angle).T)
        stairs.set_data(points[:, 0], points[:, 1])
        per_sweep = _above_floor(coupled_value(alpha, points[::2], angle), COORDINATE_LOSSES[0])
        losses.set_data(sweep_axis[: len(per_sweep)], per_sweep)
        rate = sweep_factor(alpha, angle)
        first = float(coupled_value(alpha, points[2], angle))
        model = _above_floor(first * rate ** np.arange(sweeps), COORDINATE_LOSSES[0])
        predicted.set_data(sweep_axis[1: len(model) + 1], model)
        outcome = f"f × {rate:.3g} per sweep" if rate > COORDINATE_LOSSES[0] else "one sweep reaches the minimum"
        left.title.set_text(f"α = {alpha:.3g}, φ = {angle:g}°: {outcome}")

    return Explorer({"alpha": log_slider("α", alpha, 0.001, 10.0),
                     "angle": linear_slider("rotation φ (degrees)", angle, 0.0, 90.0, ANGLE_STEP)}, fig, update)


# --- Averaged iterates of a bouncing gradient descent -----------------------------------

AVERAGING_START = (-9.0, 2.0)
AVERAGING_WINDOW = ((-10.0, 10.0), (-3.0, 3.0))
#: The axis of the distance to the minimum.
DISTANCES = (1e-4, 30.0)
SERIES = (r"iterate $\theta_k$", "Polyak average", "moving average (EMA)")


def averaging_explorer(lr: float = 0.5, alpha: float = 0.9, steps: int = 150) -> Explorer:
    """Gradient descent with a large step on f(θ) = 0.1 θ₁² + 2 θ₂² and its averages.

    With ε close to 2/λ_max = 0.5 the steep coordinate θ₂ flips sign at every step
    (by the factor 1 − 4ε: −1 at ε = 0.5, so it bounces forever), while θ₁ creeps
    along the valley. The Polyak average θ̂_t = (1/t) Σ_{i≤t} θ_i and the moving
    average θ̂_t = α θ̂_{t−1} + (1 − α) θ_t (:func:`course.coordinate.averaged_iterates`,
    θ_1 the start) cancel the bounce; Polyak's keeps a 1/t share of the far-away
    start, the moving average forgets it. Left: the paths over the contours; right:
    the distance ‖θ − θ*‖ per step (log axis).

    Controls: ``"lr"`` (ε from 0.3 to 0.5 in steps of 0.005), ``"alpha"`` (the EMA's α
    from 0.5 to 0.99 in steps of 0.01).
    """
    steps = check.integer("steps", steps, minimum=1)
    check.positive("lr", lr)
    check.unit_interval("alpha", alpha)
    problem = valley()
    theta0 = asarray(AVERAGING_START)

    @functools.lru_cache(maxsize=256)
    def iterates(lr: float) -> np.ndarray:
        return np.asarray(run(SGD(lr), problem, theta0, steps).iterates, dtype=np.float64)

    @functools.lru_cache(maxsize=2048)
    def paths(lr: float, alpha: float) -> dict[str, np.ndarray]:
        points = iterates(lr)
        polyak, moving = averaged_iterates(points, alpha)
        return dict(zip(SERIES, (points, np.asarray(polyak), np.asarray(moving))))

    fig, (left, right) = new_figure(2, width=5.2, height=4.0, width_ratios=(1.5, 1))
    contours(left, problem, *AVERAGING_WINDOW, levels=12, log=False)
    left.title.set_animated(True)
    colors = colors_for(SERIES)
    lines = {name: PathLine(left, name, colors[name], animated=True, markers=name == SERIES[0]) for name in SERIES}
    left.legend(loc="upper right", fontsize=8)
    distances = {name: right.plot([], [], color=colors[name], linewidth=1.4, label=name, animated=True)[0]
                 for name in SERIES}
    right.set_xlim(0, steps)
    right.set_ylim(*DISTANCES)
    log_scale(right)
    right.set_xlabel("step $k$")
    right.set_ylabel(r"$\|\theta - \theta^*\|$")
    right.set_title("distance to the minimum")
    right.grid(True, which="major", alpha=0.3)
    right.legend(loc="lower left", fontsize=8)
    k = np.arange(steps + 1)

    def update(lr: float, alpha: float) -> None:
        for name, points in paths(round(lr, 6), round(alpha, 6)).items():
            lines[name].show(_Path(points))
            distances[name].set_data(k[: len(points)], np.maximum(np.linalg.norm(points, axis=1), DISTANCES[0]))
        factor = f"{1 - 4 * lr:+.3g}".replace("-", "−")
        left.title.set_text(f"ε = {lr:.3g} (θ₂ × {factor} per step), EMA α = {alpha:.2f}")

    return Explorer(
        {
            "lr": linear_slider("learning rate ε", lr, 0.3, 0.5, 0.005),
            "alpha": linear_slider("EMA α", alpha, 0.5, 0.99, 0.01),
        },
        fig,
        update,
    )


class _Path(NamedTuple):
    """A finished path in the form :class:`course.plotting.PathLine` draws."""

    iterates: np.ndarray
    success: bool = True
