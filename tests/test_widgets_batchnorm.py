"""Tests for the widgets of lecture 07: activation histograms and training curves, without and with BN."""

from __future__ import annotations

import io
import time

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import StepPatch
from PIL import Image

from course import widgets
from course.backend import asarray
from course.data import spirals
from course.nn import train_curves
from course.widgets import Explorer
from course.widgets.batchnorm import (
    BIN_EDGES, DEEP_LAYERS, FRACTION_TOP, GAINS, LEARNING_RATES, TRAIN_HIDDEN, layer_statistics,
)

#: Every control of each explorer and the values a test moves it through.
MOVES = {
    "activations": {"layer": [1, 5, DEEP_LAYERS], "gain": [0.5, 8.0], "activation": ["relu", "tanh"]},
    "training": {"lr": [LEARNING_RATES[0], 1.0, LEARNING_RATES[-1]]},
}
#: A move may cost this much in Python (the budget of the course's widgets); the fastest of
#: a control's moves must stay within it, so that a busy machine does not fail the test.
MOVE_BUDGET_S = 0.060


@pytest.fixture(scope="module")
def explorers() -> dict[str, Explorer]:
    """One explorer of each kind with its default settings."""
    return {"activations": widgets.activations_explorer(), "training": widgets.training_explorer()}


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


@pytest.mark.parametrize("name, axes", [("activations", 3), ("training", 2)])
def test_an_explorer_builds_and_draws_once(explorers, name, axes):
    w = explorers[name]
    assert isinstance(w, Explorer) and w.draws == 1 and w.full_draws == 1
    assert len(w.figure.axes) == axes
    assert set(w.controls) == set(MOVES[name])
    assert all(ax.get_title() and ax.get_xlabel() and ax.get_ylabel() for ax in w.figure.axes)
    assert_no_nan_plotted(w)


@pytest.mark.parametrize("name, control", [(n, c) for n in MOVES for c in MOVES[n]])
def test_every_control_redraws_only_what_moves_within_the_budget(name, control):
    w = widgets.activations_explorer() if name == "activations" else widgets.training_explorer(steps=30)
    times = []
    for value in MOVES[name][control]:
        before, png = lines_data(w) + [histogram(ax) for ax in w.figure.axes if ax.patches], w.png
        start = time.perf_counter()
        w.controls[control].value = value
        times.append(time.perf_counter() - start)
        after = lines_data(w) + [histogram(ax) for ax in w.figure.axes if ax.patches]
        assert w.png != png, f"moving {control} to {value!r} did not change the picture"
        assert any(a.shape != b.shape or not np.allclose(a, b) for a, b in zip(before, after))
        assert_no_nan_plotted(w)
    assert w.full_draws == 1, "a move must not redraw the static parts of the figure"
    assert min(times) < MOVE_BUDGET_S, f"moving {control} costs {min(times) * 1e3:.0f} ms"
    shown = pixels(w.png)
    w._background = None  # draw everything anew: the kept pixels must have been up to date
    np.testing.assert_array_equal(shown, pixels(w._render()))


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
    ],
)
def test_bad_keyword_arguments_are_named(factory, kwargs, message):
    with pytest.raises(ValueError, match=message):
        factory(**kwargs)


def test_explorers_leave_no_pyplot_figures(explorers):
    assert plt.get_fignums() == []
