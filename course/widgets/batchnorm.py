"""Lecture 07: one gradient step on a deep linear chain order by order, activations layer by layer,
and training curves, with and without batch normalization."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
from matplotlib.collections import LineCollection

from course import validation as check
from course.backend import asarray, to_numpy
from course.batchnorm import chain_step_terms
from course.data import spirals
from course.init import uniform_fan_in
from course.nn import ReLU, Tanh, mlp, train_curves
from course.plotting import log_scale, new_figure
from course.widgets.explorer import Explorer, choice, linear_slider, log_slider, options_slider

#: The widths of the deep network of :func:`activations_explorer`: 10 hidden layers of 100 units.
DEEP_WIDTH, DEEP_LAYERS = 100, 10
#: Weight scales g of that network, W = g · U(−1/√m, 1/√m) (g = 1 is the book's "common heuristic"
#: U(±1/√m), which in the linear regime divides the variance by 3 per layer: lecture 08).
GAINS = (0.5, 1.0, 2.0, 4.0, 8.0)
ACTIVATIONS = {"tanh": "tanh", "ReLU": "relu"}
#: Bins of the histograms, the same for tanh and ReLU: 0.1 wide over [−1.2, 3.2]; values
#: beyond are counted in the outermost bars.
BIN_EDGES = np.round(np.arange(-1.2, 3.2 + 1e-9, 0.1), 10)
#: The fraction axis of the histograms; a taller bar is cut at the top.
FRACTION_TOP = 0.5
#: The activation axis of the standard-deviation panel.
STD_RANGE = (1e-4, 1e2)
#: A tanh unit counts as saturated beyond this |h|.
SATURATED = 0.99

#: The learning rates of :func:`training_explorer`, five per decade, and its network and data.
LEARNING_RATES = (0.025, 0.04, 0.063, 0.1, 0.16, 0.25, 0.4, 0.63, 1.0, 1.6, 2.5, 4.0, 6.3, 10.0, 16.0, 25.0)
TRAIN_HIDDEN = (32, 32, 32, 32)
TRAIN_STEPS = 200
LOSS_RANGE = (1e-2, 30.0)
SETTINGS = ("without BN", "with BN")
COLORS = {"without BN": "tab:red", "with BN": "tab:blue"}


# --- one step on a deep linear chain --------------------------------------------------------

#: The depths l of the chain offered, and the axis of the terms' sizes (values beyond are
#: drawn at its edge).
CHAIN_DEPTHS = tuple(range(1, 17))
TERM_RANGE = (1e-12, 1e12)
#: The learning rates of the right panel (log-spaced) and of the slider.
CHAIN_RATES = np.geomspace(1e-5, 1.0, 101)


def chain_terms_by_rate(weight: float, layers: int, rates: np.ndarray) -> np.ndarray:
    """T₀, …, T_l of :func:`course.batchnorm.chain_step_terms` for ŷ = 1 · w^l (every layer's
    weight w) at each learning rate of ``rates``: shape (len(rates), l + 1). T_k is a
    constant times ε^k, so one expansion at ε = 1 gives them all."""
    at_one = to_numpy(chain_step_terms(1.0, asarray(np.full(layers, weight)), 1.0))
    return at_one[None, :] * rates[:, None] ** np.arange(layers + 1)


def deep_chain_explorer(layers: int = 8, weight: float = 1.5, lr: float = 0.001) -> Explorer:
    """One gradient step on every layer of the deep linear chain ŷ = x w₁ w₂ ⋯ w_l, order by order.

    The book's argument for batch normalization (§8.7.1): with x = 1 and every weight
    wᵢ = w, the gradient is gᵢ = ∂ŷ/∂wᵢ = x ∏_{k≠i} w_k, and after the step wᵢ ← wᵢ − ε gᵢ
    ŷ' = x ∏ (wᵢ − ε gᵢ) = T₀ + T₁ + ⋯ + T_l, T_k of order ε^k
    (:func:`course.batchnorm.chain_step_terms`). The gradient sees only T₁ = −ε gᵀg. Left:
    |T_k| for k = 1, …, l at the chosen ε (filled: T_k > 0, open: T_k < 0) and |ŷ|. Right:
    the change of ŷ that the first order predicts, ε gᵀg, and the actual change
    |ŷ' − ŷ| = |T₁ + ⋯ + T_l|, against ε, with ŷ, the prediction, the outcome and T₂, T₃
    at the chosen ε. The two part where l ε w^(l−2) ≈ 1: with w > 1, at a learning
    rate that shrinks exponentially with the depth.

    Controls: ``"layers"`` (l, 1 to 16), ``"weight"`` (w, 0.5 to 2 in steps of 0.05),
    ``"lr"`` (ε, log scale from 10⁻⁵ to 1).
    """
    options_slider("depth l", layers, list(CHAIN_DEPTHS))  # names a bad depth before any work
    check.positive("weight", weight)
    check.positive("lr", lr)
    fig, (left, right) = new_figure(2, width=4.8, height=3.9, width_ratios=(1, 1.1))
    (above,) = left.plot([], [], "o", color="tab:blue", markersize=6, animated=True, label="$T_k > 0$")
    (below,) = left.plot([], [], "o", color="tab:blue", markerfacecolor="white", markersize=6, animated=True,
                         label="$T_k < 0$")
    stems = left.add_collection(LineCollection([], colors="tab:blue", linewidths=0.8, alpha=0.6, animated=True))
    (start,) = left.plot([], [], ":", color="grey", linewidth=1.0, animated=True, label=r"$|\hat y|$")
    left.set_xlim(0.3, CHAIN_DEPTHS[-1] + 0.7)
    left.set_ylim(*TERM_RANGE)
    log_scale(left)
    left.set_xlabel("order $k$ (the number of factors $-\\varepsilon g_i$)")
    left.set_ylabel("$|T_k|$")
    left.title.set_animated(True)
    left.grid(True, which="major", alpha=0.3)
    left.legend(loc="upper right", fontsize=8)

    (first,) = right.plot([], [], color="tab:green", linewidth=1.6, animated=True,
                          label=r"first-order prediction $|T_1| = \varepsilon\, g^\top g$")
    (actual,) = right.plot([], [], color="black", linewidth=1.6, linestyle="--", animated=True,
                           label=r"actual change $|\hat y' - \hat y| = |T_1 + \dots + T_l|$")
    here = right.axvline(lr, color="grey", linestyle=":", animated=True)
    right.set_xscale("log")
    right.set_xlim(CHAIN_RATES[0], CHAIN_RATES[-1])
    right.set_ylim(*TERM_RANGE)
    log_scale(right)
    right.set_xlabel(r"learning rate $\varepsilon$")
    right.set_ylabel(r"change of $\hat y$ in one step")
    right.set_title("the change of ŷ: predicted and actual")
    right.grid(True, which="major", alpha=0.3)
    right.legend(loc="upper left", fontsize=8)
    box = right.text(0.97, 0.03, "", transform=right.transAxes, ha="right", va="bottom", multialignment="left",
                     fontsize=8, family="monospace", animated=True,
                     bbox=dict(boxstyle="round", facecolor="white", edgecolor="grey", alpha=0.9))

    def update(layers: int, weight: float, lr: float) -> None:
        weight = round(weight, 6)
        terms = chain_terms_by_rate(weight, layers, np.array([lr]))[0]
        k = np.arange(1, layers + 1)
        sizes = np.clip(np.abs(terms[1:]), *TERM_RANGE)
        positive = terms[1:] > 0
        above.set_data(k[positive], sizes[positive])
        below.set_data(k[~positive], sizes[~positive])
        stems.set_segments([[(order, TERM_RANGE[0]), (order, size)] for order, size in zip(k, sizes)])
        start.set_data([0.3, CHAIN_DEPTHS[-1] + 0.7], np.clip([abs(terms[0])] * 2, *TERM_RANGE))
        table = chain_terms_by_rate(weight, layers, CHAIN_RATES)
        first.set_data(CHAIN_RATES, np.clip(np.abs(table[:, 1]), *TERM_RANGE))
        actual.set_data(CHAIN_RATES, np.clip(np.abs(table[:, 1:].sum(axis=1)), *TERM_RANGE))
        here.set_xdata([lr, lr])
        second = f"{terms[2]:+.3g}" if layers > 1 else "—"
        third = f"{terms[3]:+.3g}" if layers > 2 else "—"
        box.set_text(f"ŷ before the step:  {terms[0]:.4g}\n"
                     f"first-order guess:  {terms[0] + terms[1]:.4g}  (T₁ = {terms[1]:+.3g})\n"
                     f"ŷ after the step:   {terms.sum():.4g}\n"
                     f"T₂ = {second},  T₃ = {third}")
        left.title.set_text(f"l = {layers}, every wᵢ = {weight:g}, ε = {lr:.3g}")

    return Explorer(
        {
            "layers": options_slider("depth l", layers, list(CHAIN_DEPTHS)),
            "weight": linear_slider("weight w", weight, 0.5, 2.0, 0.05),
            "lr": log_slider("ε", lr, 1e-5, 1.0),
        },
        fig,
        update,
    )


# --- activations layer by layer -----------------------------------------------------------


@dataclass(frozen=True)
class LayerStatistics:
    """What the histograms show of one network: per hidden layer, the histogram of its
    activations (fraction of the values per bin of :data:`BIN_EDGES`), their standard
    deviation, and the fraction of saturated (tanh: |h| > 0.99) or zero (ReLU) units."""

    histograms: np.ndarray  # (layers, bins)
    stds: np.ndarray  # (layers,)
    stuck: np.ndarray  # (layers,)


def layer_statistics(activation: str, gain: float, batchnorm: bool, samples: int = 1000,
                     seed: int = 0) -> LayerStatistics:
    """Activations of the hidden layers of a deep MLP on standard normal inputs (training mode).

    The network is ``mlp((100, 100 × 10, 10), batchnorm=batchnorm, activation=activation)``
    (Linear → [BatchNorm] → activation per hidden layer) with weights
    W = g · U(−1/√m, 1/√m) drawn from ``seed``, applied to a batch of ``samples`` rows.
    """
    rng = np.random.default_rng(seed)
    x = asarray(rng.standard_normal((samples, DEEP_WIDTH)))

    def init(shape: Sequence[int], rng: Any = None) -> np.ndarray:
        return gain * uniform_fan_in(shape, rng=rng)

    model = mlp((DEEP_WIDTH, *[DEEP_WIDTH] * DEEP_LAYERS, 10), batchnorm=batchnorm, activation=activation,
                init=init, seed=seed)
    histograms, stds, stuck = [], [], []
    for layer in model.layers[:-1]:
        x = layer.forward(x)
        if isinstance(layer, (Tanh, ReLU)):
            h = to_numpy(x).ravel()
            counts, _ = np.histogram(np.clip(h, BIN_EDGES[0], BIN_EDGES[-1]), BIN_EDGES)
            histograms.append(counts / h.size)
            stds.append(float(h.std()))
            stuck.append(float(np.mean(np.abs(h) > SATURATED) if activation == "tanh" else np.mean(h == 0)))
    return LayerStatistics(np.array(histograms), np.array(stds), np.array(stuck))


def activations_explorer(layer: int = DEEP_LAYERS, activation: str = "tanh", gain: float = 1.0) -> Explorer:
    """Histograms of the activations of one hidden layer of a deep MLP, without and with BN.

    A batch of 1000 standard normal inputs goes through 10 hidden layers of 100 units
    (Linear → [BatchNorm] → tanh or ReLU) with weights W = g · U(−1/√m, 1/√m).
    Without BN the spread of the activations shrinks or grows layer by layer with g:
    tanh collapses to 0 for small g and saturates at ±1 for large g, ReLU dies out or
    explodes; with BN every layer's pre-activations are normalized to mean 0 and
    variance 1 (γ = 1, β = 0 at the start), whatever g is. Right: the standard
    deviation of the activations per layer.

    Everything is computed at construction; a move only changes bar heights and lines.

    Controls: ``"layer"`` (1 … 10), ``"activation"`` ("tanh" or "relu"), ``"gain"`` (g).
    """
    layers = list(range(1, DEEP_LAYERS + 1))
    controls = {
        "layer": options_slider("hidden layer", layer, layers),
        "gain": options_slider("weight scale g", gain, list(GAINS)),
        "activation": choice("activation", activation, ACTIVATIONS),
    }
    stats = {(a, g, bn): layer_statistics(a, g, bn)
             for a in ACTIVATIONS.values() for g in GAINS for bn in (False, True)}

    fig, axes = new_figure(3, width=3.6, height=3.6, width_ratios=(1, 1, 1))
    bars, notes = {}, {}
    for ax, name in zip(axes[:2], SETTINGS):
        bars[name] = ax.stairs(np.zeros(len(BIN_EDGES) - 1), BIN_EDGES, fill=True, color=COLORS[name],
                               alpha=0.75, animated=True)
        ax.set_xlim(BIN_EDGES[0], BIN_EDGES[-1])
        ax.set_ylim(0, FRACTION_TOP)
        ax.set_xlabel("activation $h$")
        ax.set_ylabel("fraction of the activations")
        ax.title.set_animated(True)
        ax.grid(True, alpha=0.3)
        notes[name] = ax.text(0.97, 0.96, "", transform=ax.transAxes, ha="right", va="top", fontsize=8.5,
                              animated=True, bbox=dict(boxstyle="round", facecolor="white", edgecolor="grey"))
    right = axes[2]
    spread = {name: right.plot([], [], "o-", markersize=3, color=COLORS[name], label=name, animated=True)[0]
              for name in SETTINGS}
    here = right.axvline(layer, color="grey", linestyle=":", animated=True)
    right.set_xlim(0.5, DEEP_LAYERS + 0.5)
    right.set_ylim(*STD_RANGE)
    log_scale(right)
    right.set_xlabel("hidden layer")
    right.set_ylabel("std of the activations")
    right.set_title("spread per layer")
    right.grid(True, which="major", alpha=0.3)
    right.legend(loc="upper left", fontsize=8)

    def update(layer: int, activation: str, gain: float) -> None:
        for name, bn in zip(SETTINGS, (False, True)):
            s = stats[(activation, gain, bn)]
            bars[name].set_data(np.minimum(s.histograms[layer - 1], FRACTION_TOP))
            spread[name].set_data(layers, np.clip(s.stds, *STD_RANGE))
            stuck = "saturated (|h| > 0.99)" if activation == "tanh" else "zero"
            notes[name].set_text(f"std {s.stds[layer - 1]:.2g}\n{stuck}: {s.stuck[layer - 1]:.0%}")
            axes[SETTINGS.index(name)].title.set_text(f"layer {layer}, {name}, g = {gain:g}")
        here.set_xdata([layer, layer])

    return Explorer(controls, fig, update)


# --- training curves ----------------------------------------------------------------------


def spiral_curves(lrs: Sequence[float] = LEARNING_RATES, steps: int = TRAIN_STEPS) -> dict[str, np.ndarray]:
    """Full-batch SGD training curves of the MLP on the spirals, without and with BN.

    ``train_curves`` for each setting: K = len(lrs) networks (hidden layers
    :data:`TRAIN_HIDDEN`, ReLU, seed 0) trained at once on ``spirals(100, 3)`` in float32.
    Returns ``{"without BN": (K, steps), "with BN": (K, steps)}``, NaN after divergence.
    """
    X, y = spirals(100, 3, seed=0)
    X, y = asarray(X.astype(np.float32)), asarray(y)
    return {name: train_curves(lrs, bn, steps, X, y, hidden=TRAIN_HIDDEN)
            for name, bn in zip(SETTINGS, (False, True))}


def _finite_prefix(curve: np.ndarray) -> np.ndarray:
    """The losses before the first NaN (a diverged run's curve is cut there)."""
    bad = ~np.isfinite(curve)
    return curve[: int(np.argmax(bad))] if bad.any() else curve


def training_explorer(lr: float = 0.25, steps: int = TRAIN_STEPS) -> Explorer:
    """Training curves of a 4-hidden-layer MLP on the spirals, without and with BN, as ε moves.

    Left: the loss per step of full-batch gradient descent with learning rate ε;
    a diverged run (loss not finite or above 10⁸ (1 + |L₀|)) is cut at that step, with
    a note. Right: the loss after the last step for every ε of the slider. The
    curves of all 16 learning rates are computed once, at construction, by
    :func:`course.nn.train_curves` (one batched run per setting); a move only
    swaps line data.

    Controls: ``"lr"`` (ε, one of :data:`LEARNING_RATES`).
    """
    steps = check.integer("steps", steps, minimum=1)
    if lr not in LEARNING_RATES:
        raise ValueError(f"learning rate ε must be one of {', '.join(map(str, LEARNING_RATES))}, got {lr!r}")
    curves = spiral_curves(LEARNING_RATES, steps)
    rates = np.array(LEARNING_RATES)

    fig, (left, right) = new_figure(2, width=4.8, height=3.8)
    lines = {name: left.plot([], [], color=COLORS[name], linewidth=1.6, label=name, animated=True)[0]
             for name in SETTINGS}
    left.set_xlim(0, steps)
    left.set_ylim(*LOSS_RANGE)
    log_scale(left)
    left.set_xlabel("step $k$")
    left.set_ylabel(r"training loss $J(\theta_k)$")
    left.title.set_animated(True)
    left.grid(True, which="major", alpha=0.3)
    left.legend(loc="lower left", fontsize=8)
    note = left.text(0.5, 0.5, "", transform=left.transAxes, ha="center", va="center", fontsize=8.5,
                     color="darkred", animated=True,
                     bbox=dict(boxstyle="round", facecolor="white", edgecolor="darkred", alpha=0.9))

    marks = {}
    for name in SETTINGS:
        final = curves[name][:, -1]
        ok = np.isfinite(final)
        right.plot(rates[ok], final[ok], "o-", markersize=3, color=COLORS[name], label=name)
        right.plot(rates[~ok], np.full((~ok).sum(), LOSS_RANGE[1] * 0.7), "x", markersize=7, color=COLORS[name])
        marks[name] = right.plot([], [], "o", markersize=9, markerfacecolor="none", markeredgewidth=2,
                                 color=COLORS[name], animated=True)[0]
    here = right.axvline(lr, color="grey", linestyle=":", animated=True)
    right.set_xscale("log")
    right.set_xlim(rates[0] / 1.5, rates[-1] * 1.5)
    right.set_ylim(*LOSS_RANGE)
    log_scale(right)
    right.set_xlabel(r"learning rate $\varepsilon$")
    right.set_ylabel(f"loss after {steps} steps")
    right.set_title("× : diverged")
    right.grid(True, which="major", alpha=0.3)
    right.legend(loc="lower left", fontsize=8)

    def update(lr: float) -> None:
        k = LEARNING_RATES.index(lr)
        diverged = []
        for name in SETTINGS:
            curve = _finite_prefix(curves[name][k])
            lines[name].set_data(np.arange(len(curve)), curve)
            final = curves[name][k, -1]
            marks[name].set_data([lr] if np.isfinite(final) else [], [final] if np.isfinite(final) else [])
            if len(curve) < steps:
                diverged.append(f"{name}: diverged at step {len(curve)}, the curve is cut there")
        note.set_text("\n".join(textwrap.fill(line, 40) for line in diverged))
        note.set_visible(bool(diverged))
        here.set_xdata([lr, lr])
        left.title.set_text(f"spirals, 4 hidden layers, ε = {lr:g}")

    return Explorer({"lr": options_slider("learning rate ε", lr, list(LEARNING_RATES))}, fig, update)


__all__ = ["activations_explorer", "chain_terms_by_rate", "deep_chain_explorer", "layer_statistics", "spiral_curves",
           "training_explorer"]
