"""Tests for the widgets of lecture 07: one step on a deep linear chain, activation histograms and
training curves, without and with BN. (How long a move takes is measured in bench/widget_bench.py.)"""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import StepPatch
from PIL import Image

from course import widgets
from course.backend import asarray
from course.batchnorm import chain_step_terms
from course.data import spirals
from course.nn import train_curves
from course.widgets import Explorer
from course.widgets.batchnorm import (
    BIN_EDGES, CHAIN_RATES, DEEP_LAYERS, FRACTION_TOP, GAINS, LEARNING_RATES, TERM_RANGE, TRAIN_HIDDEN,
    layer_statistics,
)

#: Every control of each explorer and the values a test moves it through.
MOVES = {
    "chain": {"layers": [1, 12, 16], "weight": [0.8, 2.0], "lr": [1e-5, 0.1, 1.0]},
    "activations": {"layer": [1, 5, DEEP_LAYERS], "gain": [0.5, 8.0], "activation": ["relu", "tanh"]},
    "training": {"lr": [LEARNING_RATES[0], 1.0, LEARNING_RATES[-1]]},
}
FACTORIES = {"chain": widgets.deep_chain_explorer, "activations": widgets.activations_explorer,
             "training": lambda: widgets.training_explorer(steps=30)}


@pytest.fixture(scope="module")
def explorers() -> dict[str, Explorer]:
    """One explorer of each kind with its default settings."""
    return {"chain": widgets.deep_chain_explorer(), "activations": widgets.activations_explorer(),
            "training": widgets.training_explorer()}


def lines_data(w: Explorer) -> list[np.ndarray]:
    return [np.asarray(line.get_xydata(), dtype=float) for ax in w.figure.axes for line in ax.get_lines()]


def histogram(ax) -> np.ndarray:
    (bars,) = [p for p in ax.patches if isinstance(p, StepPatch)]
    return np.asarray(bars.get_data().values)


def visible_texts(ax) -> str:
    return " ".join(" ".join(t.get_text().split()) for t in ax.texts if t.get_visible())


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def assert_no_nan_plotted(w: Explorer) -> None:
    for data in lines_data(w):
        assert np.all(np.isfinite(data)), "no NaN or inf may reach the plot"
    for ax in w.figure.axes:
        for patch in ax.patches:
            if isinstance(patch, StepPatch):
                assert np.all(np.isfinite(patch.get_data().values))


@pytest.mark.parametrize("name, axes", [("chain", 2), ("activations", 3), ("training", 2)])
def test_an_explorer_builds_and_draws_once(explorers, name, axes):
    w = explorers[name]
    assert isinstance(w, Explorer) and w.draws == 1 and w.full_draws == 1
    assert len(w.figure.axes) == axes
    assert set(w.controls) == set(MOVES[name])
    assert all(ax.get_title() and ax.get_xlabel() and ax.get_ylabel() for ax in w.figure.axes)
    assert_no_nan_plotted(w)


@pytest.mark.parametrize("name, control", [(n, c) for n in MOVES for c in MOVES[n]])
def test_every_control_redraws_only_what_moves(name, control):
    w = FACTORIES[name]()
    for value in MOVES[name][control]:
        before, png = lines_data(w) + [histogram(ax) for ax in w.figure.axes if ax.patches], w.png
        draws = w.draws
        w.controls[control].value = value
        after = lines_data(w) + [histogram(ax) for ax in w.figure.axes if ax.patches]
        assert w.draws == draws + 1 and w.values[control] == value
        assert w.png != png, f"moving {control} to {value!r} did not change the picture"
        assert any(a.shape != b.shape or not np.allclose(a, b, equal_nan=True) for a, b in zip(before, after))
        assert_no_nan_plotted(w)
    assert w.full_draws == 1, "a move must not redraw the static parts of the figure"
    shown = pixels(w.png)
    w._background = None  # draw everything anew: the kept pixels must have been up to date
    np.testing.assert_array_equal(shown, pixels(w._render()))


def chain_panels(w):
    left, right = w.figure.axes
    shown = {line.get_label(): line for ax in (left, right) for line in ax.get_lines()}
    return left, right, shown


@pytest.mark.parametrize("layers, weight, lr", [(8, 1.5, 1e-3), (16, 1.5, 1e-3), (5, 0.8, 0.3), (1, 2.0, 0.01)])
def test_the_chain_shows_every_order_of_the_step(layers, weight, lr):
    w = widgets.deep_chain_explorer(layers=layers, weight=weight, lr=lr)
    _, right, shown = chain_panels(w)
    terms = np.asarray(chain_step_terms(1.0, np.full(layers, weight), lr))
    product = np.prod(np.full(layers, weight) - lr * weight ** (layers - 1))  # every gᵢ = w^(l−1)
    assert terms.sum() == pytest.approx(product, rel=1e-12)
    orders = {}
    for label in ("$T_k > 0$", "$T_k < 0$"):
        for k, size in shown[label].get_xydata():
            orders[int(k)] = (size, label)
    assert sorted(orders) == list(range(1, layers + 1))
    for k, (size, label) in orders.items():
        assert size == pytest.approx(np.clip(abs(terms[k]), *TERM_RANGE), rel=1e-12)
        assert (terms[k] > 0) == (label == "$T_k > 0$")
    box = visible_texts(right)
    assert f"ŷ before the step: {terms[0]:.4g}" in box and f"ŷ after the step: {terms.sum():.4g}" in box
    assert (f"T₂ = {terms[2]:+.3g}" if layers > 1 else "T₂ = —") in box


def test_the_first_order_prediction_parts_from_the_actual_change_sooner_for_deeper_chains():
    def parting(layers):
        w = widgets.deep_chain_explorer(layers=layers, weight=1.5, lr=1e-3)
        _, _, shown = chain_panels(w)
        predicted = shown[r"first-order prediction $|T_1| = \varepsilon\, g^\top g$"].get_ydata()
        actual = shown[r"actual change $|\hat y' - \hat y| = |T_1 + \dots + T_l|$"].get_ydata()
        np.testing.assert_allclose(actual[0], predicted[0], rtol=0.05)  # the smallest ε: the tangent is right
        return CHAIN_RATES[np.argmax(np.abs(actual / predicted - 1) > 0.5)]

    shallow, deep = parting(8), parting(16)
    assert deep < shallow / 20, "with w > 1 the safe step shrinks exponentially with the depth"
    assert deep == pytest.approx(1 / (16 * 1.5**14), rel=1.0) and shallow == pytest.approx(1 / (8 * 1.5**6), rel=1.0)


def test_with_bn_deep_tanh_layers_stay_spread_without_they_collapse_or_saturate():
    w = widgets.activations_explorer(layer=DEEP_LAYERS, activation="tanh", gain=1.0)
    without, with_bn, spread = w.figure.axes
    centre = (BIN_EDGES[:-1] > -0.15) & (BIN_EDGES[1:] < 0.15)
    assert histogram(without)[centre].sum() >= FRACTION_TOP, "tanh with g = 1 collapses to 0 without BN"
    assert histogram(with_bn)[centre].sum() < 0.3 and histogram(with_bn).max() < 0.1, "BN keeps it spread"
    stds = {line.get_label(): line.get_ydata() for line in spread.get_lines() if not line.get_label().startswith("_")}
    assert stds["without BN"][-1] < 0.01 < 0.5 < stds["with BN"][-1]
    w.controls["gain"].value = 8.0
    edges = (BIN_EDGES[:-1] < -0.95) | (BIN_EDGES[1:] > 0.95)
    assert histogram(without)[edges].sum() > 0.5, "tanh with g = 8 saturates at ±1 without BN"
    assert histogram(with_bn)[edges].sum() < 0.2
    assert "saturated (|h| > 0.99): 1%" in visible_texts(with_bn)


def test_bn_makes_the_histograms_independent_of_the_weight_scale():
    first = layer_statistics("relu", GAINS[0], batchnorm=True)
    for gain in GAINS[1:]:
        other = layer_statistics("relu", gain, batchnorm=True)
        np.testing.assert_allclose(other.stds, first.stds, rtol=1e-3)
    without = [layer_statistics("relu", g, batchnorm=False).stds[-1] for g in (1.0, 4.0)]
    assert without[0] < 1e-3 and without[1] > 10, "without BN ReLU activations die out or explode"


def test_the_curves_shown_are_those_of_train_curves():
    steps = 30
    w = widgets.training_explorer(lr=1.0, steps=steps)
    X, y = spirals(100, 3, seed=0)
    X, y = asarray(X.astype(np.float32)), asarray(y)
    left = w.figure.axes[0]
    for lr in (1.0, 0.1):
        w.controls["lr"].value = lr
        shown = {line.get_label(): line.get_ydata() for line in left.get_lines()}
        for name, bn in (("without BN", False), ("with BN", True)):
            (alone,) = train_curves([lr], bn, steps, X, y, hidden=TRAIN_HIDDEN)
            np.testing.assert_allclose(shown[name], alone, rtol=1e-4)
        assert f"ε = {lr:g}" in left.get_title()


def test_diverged_curves_are_cut_with_a_note(explorers):
    w = widgets.training_explorer(lr=LEARNING_RATES[-1])
    left = w.figure.axes[0]
    note = visible_texts(left)
    assert "without BN: diverged at step" in note and "with BN: diverged at step" in note
    for line in left.get_lines():
        assert 0 < len(line.get_xdata()) < 200 and np.all(np.isfinite(line.get_ydata()))
    w.controls["lr"].value = 0.1
    assert "diverged" not in visible_texts(left)
    assert all(len(line.get_xdata()) == 200 for line in left.get_lines())


def test_bn_trains_where_the_plain_network_stalls(explorers):
    right = explorers["training"].figure.axes[1]
    final = {line.get_label(): (line.get_xdata(), line.get_ydata()) for line in right.get_lines()
             if not line.get_label().startswith("_")}
    for name, (low, high) in (("without BN", (0.9, np.inf)), ("with BN", (0.0, 0.3))):
        rates, losses = final[name]
        small = losses[rates <= 0.1]
        assert len(small) == 4 and np.all((low < small) & (small < high)), (name, small)


@pytest.mark.parametrize(
    "factory, kwargs, message",
    [
        (widgets.training_explorer, {"lr": 0.3}, "learning rate ε must be one of"),
        (widgets.training_explorer, {"steps": 0}, "steps must be >= 1"),
        (widgets.activations_explorer, {"activation": "sigmoid"}, "activation must be one of"),
        (widgets.activations_explorer, {"gain": 3.0}, "weight scale g must be one of"),
        (widgets.activations_explorer, {"layer": 11}, "hidden layer must be one of"),
        (widgets.deep_chain_explorer, {"layers": 17}, "depth l must be one of"),
        (widgets.deep_chain_explorer, {"weight": -1.0}, "weight must be positive"),
    ],
)
def test_bad_keyword_arguments_are_named(factory, kwargs, message):
    with pytest.raises(ValueError, match=message):
        factory(**kwargs)


def test_explorers_leave_no_pyplot_figures(explorers):
    assert plt.get_fignums() == []
