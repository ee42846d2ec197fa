"""Tests for the explorers of lecture 09 (course.widgets.strategies): each builds once, every
control redraws only the animated artists, no NaN reaches the plot, the picture is what
drawing the figure anew gives, and each shows what the lecture says it shows."""

from __future__ import annotations

import math

import numpy as np
import pytest
from matplotlib.figure import Figure
from test_widgets import assert_shows_its_figure

from course import widgets
from course.strategies.smoothing import convexity_sigma
from course.widgets.strategies import (
    LANDSCAPES, SCHEDULE, STARTS, STEPS_PER_LEVEL, egg_crate_runs, landscape_runs,
)

#: factory, its quick keyword arguments, and for each control the values to move it to
EXPLORERS = {
    "smoothing": (widgets.smoothing_explorer, {},
                  {"landscape": ["two scales", "narrow well"], "sigma": [0.5, 0.0], "start": [-1.3, 0.4]}),
    "continuation_2d": (widgets.continuation_2d_explorer, {}, {"sigma": [1.0, 0.0]}),
    "curriculum": (widgets.curriculum_explorer, {"seeds": 2, "steps": 40},
                   {"ramp": [75, 300], "noise": ["noisy near the boundary"],
                    "metric": ["accuracy on the hardest third"]}),
    "pretraining": (widgets.pretraining_explorer, {"depth": 2, "seeds": 2, "scale": 0.1, "depths": (1, 2)},
                    {"depth": [1], "metric": ["test error"]}),
    "transfer": (widgets.transfer_explorer, {"per_class": 5, "seeds": 2, "scale": 0.1, "sizes": (3, 5)},
                 {"per_class": [3], "metric": ["training loss"]}),
    "skip": (widgets.skip_explorer, {"depth": 8, "seeds": 2, "steps": 30, "depths": (2, 8)},
             {"depth": [2], "init": ["Glorot"], "step": [10, 29]}),
}
MOVES = [pytest.param(name, control, value, id=f"{name}-{control}={value}")
         for name, (_, _, controls) in EXPLORERS.items() for control, values in controls.items() for value in values]


def plotted(fig: Figure) -> list[np.ndarray]:
    """The data of every line, in drawing order."""
    return [np.asarray(line.get_xydata(), dtype=float) for ax in fig.axes for line in ax.get_lines()]


def assert_finite(fig: Figure) -> None:
    for data in plotted(fig):
        assert np.all(np.isfinite(data)), "no NaN or inf may reach the plot"


def line(ax, label: str):
    return next(artist for artist in ax.get_lines() if artist.get_label() == label)


@pytest.mark.parametrize("name", EXPLORERS)
def test_explorer_builds_once_with_finite_data(name):
    factory, quick, controls = EXPLORERS[name]
    w = factory(**quick)
    assert w.draws == 1 and w.full_draws == 1
    assert set(controls) == set(w.controls)
    assert all(ax.get_xlabel() and ax.get_ylabel() for ax in w.figure.axes if ax.get_label() != "<colorbar>")
    assert_finite(w.figure)
    assert_shows_its_figure(w)


@pytest.mark.parametrize("name, control, value", MOVES)
def test_every_control_redraws_only_what_moves(name, control, value):
    factory, quick, _ = EXPLORERS[name]
    w = factory(**quick)
    before, png = plotted(w.figure), w.png
    w.controls[control].value = value
    assert w.draws == 2 and w.values[control] == value
    assert w.full_draws == 1, "a move must not redraw the static parts"
    after = plotted(w.figure)
    assert any(a.shape != b.shape or not np.allclose(a, b) for a, b in zip(before, after))
    assert w.png != png
    assert_finite(w.figure)
    assert_shows_its_figure(w)


def test_bad_settings_are_named():
    with pytest.raises(ValueError, match="landscape must be one of"):
        widgets.smoothing_explorer(landscape="egg crate")
    with pytest.raises(ValueError, match="ramp must be one of"):
        widgets.curriculum_explorer(ramp=100, seeds=2, steps=40)
    with pytest.raises(ValueError, match="depth must be one of"):
        widgets.pretraining_explorer(depth=3)
    with pytest.raises(ValueError, match="per_class must be one of"):
        widgets.transfer_explorer(per_class=7)
    with pytest.raises(ValueError, match="metric must be one of"):
        widgets.transfer_explorer(metric="accuracy")
    with pytest.raises(ValueError, match="depth must be one of"):
        widgets.skip_explorer(depth=5, seeds=2, steps=30, depths=(2, 8))


# --- what the explorers show ---------------------------------------------------------------


def test_the_title_says_convex_from_the_sigma_the_exercise_predicts():
    w = widgets.smoothing_explorer()
    left = w.figure.axes[0]
    predicted = convexity_sigma(0.5, 1.0, 5.0)
    assert landscape_runs("ripples")["convex"] == pytest.approx(predicted, abs=0.01)
    for sigma in SCHEDULE:
        w.controls["sigma"].value = sigma
        assert ("not convex" in left.title.get_text()) == (sigma < predicted)


def test_continuation_beats_gradient_descent_except_in_the_narrow_well():
    for name in LANDSCAPES:
        run = landscape_runs(name)
        reaches = np.abs(run["continuation"][-1] - run["best"]) < 0.01
        descends = np.abs(run["descent"][-1] - run["best"]) < 0.01
        if name == "narrow well":
            assert not reaches.any() and descends.sum() >= 5
        else:
            assert reaches.all() and descends.mean() < 0.3
    assert len(STARTS) == 57 and STEPS_PER_LEVEL * len(SCHEDULE) + 1 == len(run["descent"])


def test_the_continuation_line_stops_at_the_end_of_the_chosen_level():
    w = widgets.smoothing_explorer(sigma=0.7, start=2.5)
    right = w.figure.axes[1]
    steps, theta = line(right, "continuation").get_data()
    assert steps[-1] == 4 * STEPS_PER_LEVEL
    run = landscape_runs("ripples")
    assert theta[-1] == run["continuation"][4 * STEPS_PER_LEVEL, int(np.argmin(np.abs(STARTS - 2.5)))]


def test_the_2d_runs_meet_and_end_at_the_global_minimum():
    run = egg_crate_runs()
    ends = run["continuation"][-1]
    np.testing.assert_allclose(ends, np.broadcast_to(ends[0], ends.shape), atol=1e-6)
    assert np.linalg.norm(ends[0] - run["best"]) < 0.05  # the grid's minimum, 0.0375 apart
    stuck = np.linalg.norm(run["descent"][-1] - ends[0], axis=1) > 0.5
    assert 8 <= stuck.sum() < len(stuck)
    w = widgets.continuation_2d_explorer(sigma=1.0)
    assert "level 3 of 10" in w.figure.axes[0].title.get_text()


def test_the_curriculum_explorer_shows_the_chosen_ramp_and_metric():
    w = widgets.curriculum_explorer(ramp=75, seeds=2, steps=40)
    left = w.figure.axes[0]
    assert "from step 10" in left.title.get_text()  # 75 of 300 steps, scaled to 40
    accuracy = line(left, "easy first").get_ydata().copy()
    w.controls["metric"].value = "accuracy on the hardest third"
    assert not np.allclose(line(left, "easy first").get_ydata(), accuracy)
    assert np.all((0 <= line(left, "easy first").get_ydata()) & (line(left, "easy first").get_ydata() <= 1))


def test_the_pretraining_explorer_marks_the_stages_of_the_chosen_depth():
    w = widgets.pretraining_explorer(depth=2, seeds=2, scale=0.1, depths=(1, 2))
    left, right = w.figure.axes
    stages = [artist for artist in left.get_lines() if artist.get_visible() and artist.get_linestyle() == ":"]
    assert [artist.get_xdata()[0] for artist in stages] == [8, 16]  # two stages of 75 · 0.1 steps
    loss = line(left, "all layers at once").get_ydata().copy()
    w.controls["metric"].value = "test error"
    error = line(left, "all layers at once").get_ydata()
    assert not np.allclose(loss, error) and np.all((0 < error) & (error <= 1))
    w.controls["depth"].value = 1
    assert len([a for a in left.get_lines() if a.get_visible() and a.get_linestyle() == ":"]) == 1
    assert "1 hidden layers" in left.title.get_text()
    medians = [a for a in right.get_lines() if a.get_marker() == "s"]
    assert len(medians) == 3 and all(len(a.get_xdata()) == 2 for a in medians)


def test_the_transfer_explorer_shows_the_chosen_task():
    w = widgets.transfer_explorer(per_class=5, seeds=2, scale=0.1, sizes=(3, 5))
    right = w.figure.axes[2]
    points = next(c for c in right.collections if c.get_animated())
    assert len(points.get_offsets()) == 15
    w.controls["per_class"].value = 3
    assert len(points.get_offsets()) == 9 and "9 points" in right.title.get_text()


def test_the_skip_explorer_shows_vanishing_plain_gradients_at_depth():
    w = widgets.skip_explorer(depth=8, seeds=2, steps=30, depths=(2, 8))
    left = w.figure.axes[0]
    plain, residual = (line(left, name).get_ydata() for name in ("plain", "residual"))
    assert len(plain) == 8 and np.median(plain) < 3.0 ** -3 < 0.1 < np.median(residual)
    w.controls["depth"].value = 2
    assert len(line(left, "plain").get_xdata()) == 2
    assert "at initialization" in left.title.get_text()
    w.controls["step"].value = 29
    assert "at step 29" in left.title.get_text()
    assert math.isclose(w.figure.axes[1].get_lines()[-1].get_xdata()[0], 29)
