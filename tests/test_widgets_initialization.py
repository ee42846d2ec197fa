"""Tests for the explorers of lecture 08 (course.widgets.initialization): each builds once,
every control redraws the right curves without redrawing the static parts, and no NaN
reaches the plot."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from course import init, widgets
from course.backend import asarray, to_numpy
from course.coordinate import averaged_iterates, coordinate_descent
from course.optim import SGD, run
from course.problems import coupled_quadratic, rotated
from course.widgets.initialization import (
    AVERAGING_START, COORDINATE_START, INITS, SCALES, SERIES, level_set, scale_sweep, sweep_factor,
)
from course.widgets.momentum import valley

#: factory, its quick keyword arguments, and for each control the values to move it to
EXPLORERS = {
    "initialization": (widgets.initialization_explorer, {"layers": 4, "width": 32, "batch": 8},
                       {"init": ["U(±1/√m)", "orthogonal", "sparse (k = 15)"], "activation": ["ReLU"],
                        "scale": [0.5, 1.4, 3.0]}),
    "coordinate_descent": (widgets.coordinate_descent_explorer, {"sweeps": 20},
                           {"alpha": [0.001, 0.1, 10.0], "angle": [20.0, 45.0, 90.0]}),
    "averaging": (widgets.averaging_explorer, {"steps": 60}, {"lr": [0.3, 0.45], "alpha": [0.5, 0.99]}),
}
MOVES = [pytest.param(name, control, value, id=f"{name}-{control}={value}")
         for name, (_, _, controls) in EXPLORERS.items() for control, values in controls.items() for value in values]


def plotted(fig: Figure) -> list[np.ndarray]:
    """The data of every line, in drawing order."""
    return [np.asarray(line.get_xydata(), dtype=float) for ax in fig.axes for line in ax.get_lines()]


def assert_finite(fig: Figure) -> None:
    for data in plotted(fig):
        assert np.all(np.isfinite(data)), "no NaN or inf may reach the plot"


def animated_line(ax, label: str):
    return next(line for line in ax.get_lines() if line.get_label() == label)


@pytest.mark.parametrize("name", EXPLORERS)
def test_explorer_builds_once_with_finite_data(name):
    factory, quick, controls = EXPLORERS[name]
    w = factory(**quick)
    assert w.draws == 1 and w.full_draws == 1
    assert set(controls) == set(w.controls)
    assert all(ax.get_xlabel() and ax.get_ylabel() for ax in w.figure.axes)
    assert_finite(w.figure)


@pytest.mark.parametrize("name, control, value", MOVES)
def test_every_control_redraws_only_what_moves(name, control, value):
    factory, quick, _ = EXPLORERS[name]
    w = factory(**quick)
    before, png = plotted(w.figure), w.png
    w.controls[control].value = value
    assert w.draws == 2 and w.values[control] == value
    assert w.full_draws == 1, "a slider move must not redraw the static parts"
    after = plotted(w.figure)
    assert any(a.shape != b.shape or not np.allclose(a, b) for a, b in zip(before, after))
    assert w.png != png
    assert_finite(w.figure)


def test_default_explorers_build():
    for factory in (widgets.initialization_explorer, widgets.coordinate_descent_explorer, widgets.averaging_explorer):
        w = factory()
        assert w.draws == 1
        assert_finite(w.figure)


# --- initialization_explorer ------------------------------------------------------------


def test_scale_sweep_matches_a_direct_forward_pass():
    rng = np.random.default_rng(0)
    x, dout = rng.standard_normal((6, 16)), rng.standard_normal((6, 16))
    weights = [init.glorot_uniform((16, 16), rng) for _ in range(3)]
    stats = scale_sweep(weights, SCALES, "tanh", x, dout)
    k = int(np.argmin(np.abs(SCALES - 1.5)))
    h, hs = x, [x]
    for w in weights:
        h = np.tanh(h @ (SCALES[k] * w))
        hs.append(h)
    np.testing.assert_allclose(stats.activation_std[k], [v.std() for v in hs], rtol=1e-10)
    delta, grads = dout, [dout]
    for w, h in zip(reversed(weights), reversed(hs[1:])):
        delta = (delta * (1 - h * h)) @ (SCALES[k] * w).T
        grads.append(delta)
    np.testing.assert_allclose(stats.gradient_std[k], [g.std() for g in grads[::-1]], rtol=1e-10)


def test_glorot_keeps_tanh_activations_and_fan_in_shrinks_them():
    w = widgets.initialization_explorer()
    right = w.figure.axes[1]
    glorot = animated_line(right, r"activations: std of $h_l$").get_ydata().copy()
    w.controls["init"].value = "U(±1/√m)"
    fan_in = animated_line(right, r"activations: std of $h_l$").get_ydata()
    assert glorot[-1] > 0.2 and fan_in[-1] < 0.01
    assert np.all(np.diff(fan_in) < 0)


def test_relu_is_rescued_by_the_gain_sqrt2():
    w = widgets.initialization_explorer()
    w.controls["activation"].value = "ReLU"
    line = animated_line(w.figure.axes[1], r"activations: std of $h_l$")
    shrinking = line.get_ydata()[-1]
    w.controls["scale"].value = 1.4
    assert shrinking < 0.1 < line.get_ydata()[-1] < 10


def test_every_initialization_is_offered():
    assert set(widgets.initialization_explorer(layers=2, width=16, batch=4).controls["init"].options) >= {
        (name, name) for name in INITS}


# --- coordinate_descent_explorer --------------------------------------------------------


@pytest.mark.parametrize("alpha", [0.001, 0.01, 1.0, 10.0])
def test_staircase_is_coordinate_descent(alpha):
    w = widgets.coordinate_descent_explorer(sweeps=30)
    w.controls["alpha"].value = alpha
    left = w.figure.axes[0]
    stairs = animated_line(left, "staircase")
    expected = to_numpy(coordinate_descent(coupled_quadratic(w.controls["alpha"].value), asarray(COORDINATE_START), 30))
    np.testing.assert_allclose(np.asarray(stairs.get_xydata()), expected, rtol=1e-12, atol=1e-15)


def test_level_sets_are_level_sets():
    for alpha in (0.001, 0.5, 10.0):
        points = level_set(alpha, 0.7)
        f = (points[:, 0] - points[:, 1]) ** 2 + alpha * (points ** 2).sum(axis=1)
        np.testing.assert_allclose(f, alpha * 0.7 ** 2, rtol=1e-10)
        for angle in (20.0, 45.0):
            turned = rotated(coupled_quadratic(alpha, xp=np), angle)
            np.testing.assert_allclose(turned.values(level_set(alpha, 0.7, angle=angle)), alpha * 0.7**2, rtol=1e-10)


@pytest.mark.parametrize("angle", [20.0, 60.0, 90.0])
def test_the_turned_staircase_is_coordinate_descent_on_the_turned_problem(angle):
    w = widgets.coordinate_descent_explorer(alpha=0.1, sweeps=15)
    w.controls["angle"].value = angle
    stairs = animated_line(w.figure.axes[0], "staircase")
    expected = coordinate_descent(rotated(coupled_quadratic(0.1, xp=np), angle), np.asarray(COORDINATE_START), 15)
    np.testing.assert_allclose(np.asarray(stairs.get_xydata()), expected, rtol=1e-12, atol=1e-15)
    losses = animated_line(w.figure.axes[1], "coordinate descent: $f$ after sweep $k$").get_ydata()
    np.testing.assert_allclose(losses[2:] / losses[1:-1], sweep_factor(0.1, angle), rtol=1e-8)
    assert f"φ = {angle:g}°" in w.figure.axes[0].get_title()


def test_turned_by_45_degrees_one_sweep_reaches_the_minimum():
    w = widgets.coordinate_descent_explorer(alpha=0.001, angle=45.0)
    stairs = animated_line(w.figure.axes[0], "staircase").get_xydata()
    np.testing.assert_allclose(stairs[2], [0.0, 0.0], atol=1e-12)
    assert "one sweep reaches the minimum" in w.figure.axes[0].get_title()
    assert len(animated_line(w.figure.axes[1], "coordinate descent: $f$ after sweep $k$").get_xdata()) == 1
    assert sweep_factor(0.001, 0.0) == pytest.approx(1.001**-4) == sweep_factor(0.001, 90.0)
    assert sweep_factor(0.001, 45.0) < 1e-20


def test_loss_per_sweep_falls_by_the_predicted_rate():
    w = widgets.coordinate_descent_explorer(sweeps=20)
    w.controls["alpha"].value = 0.1
    right = w.figure.axes[1]
    losses = animated_line(right, "coordinate descent: $f$ after sweep $k$").get_ydata()
    ratios = np.asarray(losses[2:]) / np.asarray(losses[1:-1])
    np.testing.assert_allclose(ratios, (1 + w.controls["alpha"].value) ** -4, rtol=1e-9)


# --- averaging_explorer -----------------------------------------------------------------


def test_averages_are_those_of_gradient_descent():
    w = widgets.averaging_explorer(steps=60)
    w.controls["lr"].value = 0.45
    lr, alpha = w.controls["lr"].value, w.controls["alpha"].value
    iterates = np.asarray(run(SGD(lr), valley(), asarray(AVERAGING_START), 60).iterates)
    polyak, moving = averaged_iterates(iterates, alpha)
    right = w.figure.axes[1]
    for name, points in zip(SERIES, (iterates, polyak, moving)):
        distance = animated_line(right, name).get_ydata()
        np.testing.assert_allclose(distance, np.maximum(np.linalg.norm(points, axis=1), 1e-4), rtol=1e-12)


def test_averages_end_closer_to_the_minimum_than_the_bouncing_iterate():
    w = widgets.averaging_explorer()
    right = w.figure.axes[1]
    last = {name: animated_line(right, name).get_ydata()[-1] for name in SERIES}
    assert last[SERIES[0]] > 1.9  # ε = 0.5: θ₂ bounces between ±2
    assert last["Polyak average"] < last[SERIES[0]] and last["moving average (EMA)"] < last[SERIES[0]]
