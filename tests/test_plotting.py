"""Tests for course.plotting: each helper draws the expected artists onto the Axes it is given."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure

from course.optim import SGD, Momentum, run
from course.plotting import (
    colors_for,
    contours,
    divergence_note,
    figure_png,
    grid_values,
    log_scale,
    loss_curves,
    new_figure,
    paths,
)
from course.problems import Quadratic, logistic_regression, rosenbrock, saddle

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
VALLEY = Quadratic(np.diag([0.2, 4.0]), name="valley")
START = np.array([-9.0, 2.0])


@pytest.fixture
def ax():
    _, ax = new_figure(1)
    return ax


@pytest.fixture(scope="module")
def converged():
    return run(Momentum(0.1, 0.9), VALLEY, START, 40)


@pytest.fixture(scope="module")
def diverged():
    return run(SGD(3.0), VALLEY, START, 40)


def test_new_figure_and_png():
    fig, axes = new_figure(3, width_ratios=(2, 1, 1))
    assert isinstance(fig, Figure) and len(axes) == 3 == len(fig.axes)
    assert axes[0].get_position().width > 1.5 * axes[1].get_position().width
    fig, ax = new_figure(1)
    ax.plot([0, 1], [1, 0])
    png = figure_png(fig, dpi=50)
    assert png.startswith(PNG_MAGIC)
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (250, 210)  # 5 × 4.2 inches at 50 dpi


@pytest.mark.parametrize(
    "problem",
    [
        Quadratic(np.array([[2.0, 0.5], [0.5, 1.0]]), np.array([1.0, -1.0])),
        rosenbrock,
        saddle,
    ],
    ids=["quadratic", "rosenbrock", "saddle"],
)
def test_grid_values_agree_with_the_objective(problem):
    X, Y, Z = grid_values(problem, (-2.0, 2.0), (-1.0, 3.0), n=7)
    assert X.shape == Y.shape == Z.shape == (7, 7)
    assert X[0, 0] == -2.0 and X[0, -1] == 2.0 and Y[0, 0] == -1.0 and Y[-1, 0] == 3.0
    expected = [float(problem.value(np.array([x, y]))) for x, y in zip(X.ravel(), Y.ravel())]
    np.testing.assert_allclose(Z.ravel(), expected, rtol=1e-12, atol=1e-12)


def test_grid_values_needs_two_dimensions():
    with pytest.raises(ValueError, match="2-D objective"):
        grid_values(logistic_regression(n_features=2), (-1, 1), (-1, 1))


def test_contours_draw_log_spaced_level_sets_and_the_minimum(ax):
    contours(ax, rosenbrock, (-2.0, 2.0), (-1.0, 3.0), levels=15)
    (levels,) = [c for c in ax.collections if isinstance(c, ContourSet)]
    _, _, Z = grid_values(rosenbrock, (-2.0, 2.0), (-1.0, 3.0))
    above = levels.levels - Z.min()
    assert len(above) == 15
    np.testing.assert_allclose(above[[0, -1]], [(Z.max() - Z.min()) * 1e-4, Z.max() - Z.min()])
    np.testing.assert_allclose(np.diff(np.log(above)), np.log(1e4) / 14)
    assert ax.get_xlim() == (-2.0, 2.0) and ax.get_ylim() == (-1.0, 3.0)
    (star,) = [line for line in ax.get_lines() if line.get_label() == "minimum"]
    np.testing.assert_allclose(star.get_xydata(), [[1.0, 1.0]])
    assert ax.get_title() == "Rosenbrock" and ax.get_xlabel() == "θ₁" and ax.get_ylabel() == "θ₂"


def test_linear_contours_are_evenly_spaced_ellipses(ax):
    contours(ax, VALLEY, (-10, 10), (-4, 4), levels=5, log=False)
    (levels,) = [c for c in ax.collections if isinstance(c, ContourSet)]
    _, _, Z = grid_values(VALLEY, (-10, 10), (-4, 4))
    radii = np.sqrt((levels.levels - Z.min()) / (Z.max() - Z.min()))
    np.testing.assert_allclose(radii, np.arange(1, 6) / 5)


def test_contours_take_explicit_levels(ax):
    contours(ax, VALLEY, (-10, 10), (-4, 4), levels=[1.0, 2.0, 4.0])
    (levels,) = [c for c in ax.collections if isinstance(c, ContourSet)]
    np.testing.assert_allclose(levels.levels, [1.0, 2.0, 4.0])


def test_paths_draw_each_trajectory_with_start_and_end(ax, converged):
    contours(ax, VALLEY, (-10, 10), (-5, 5))
    paths(ax, {"momentum": converged})
    (line,) = [line for line in ax.get_lines() if line.get_label() == "momentum"]
    np.testing.assert_allclose(line.get_xydata(), converged.iterates)
    markers = [line for line in ax.get_lines() if line.get_label().startswith("_")]
    np.testing.assert_allclose(markers[0].get_xydata(), [START])
    np.testing.assert_allclose(markers[1].get_xydata(), [converged.x])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["minimum", "momentum"]


def test_a_diverged_path_is_labelled_and_stops_at_the_window(ax, converged, diverged):
    assert not diverged.success
    contours(ax, VALLEY, (-10, 10), (-5, 5))
    paths(ax, {"GD": diverged, "momentum": converged})
    (line,) = [line for line in ax.get_lines() if line.get_label().startswith("GD")]
    assert line.get_label() == f"GD: diverged at step {diverged.diverged_at}"
    xy = line.get_xydata()
    assert np.all(np.abs(xy[:-1]) <= [10, 5]) and np.any(np.abs(xy[-1]) > [10, 5])
    np.testing.assert_allclose(xy, diverged.iterates[: len(xy)])
    assert ax.get_xlim() == (-10, 10), "a diverged path must not rescale the axes"


def test_paths_need_recorded_iterates(ax):
    trajectory = run(SGD(0.1), VALLEY, START, 3, record_iterates=False)
    with pytest.raises(ValueError, match="record_iterates=True"):
        paths(ax, {"GD": trajectory})


def test_loss_curves_plot_the_loss_gap_per_step(ax, converged):
    loss_curves(ax, {"momentum": converged}, optimum=1.0)
    (line,) = ax.get_lines()
    np.testing.assert_allclose(line.get_xdata(), np.arange(41))
    np.testing.assert_allclose(line.get_ydata(), converged.losses - 1.0)
    assert ax.get_yscale() == "log" and ax.get_ylabel() == r"$f(\theta_k) - f^*$"
    assert len(ax.texts) == 0, "no note when every run finished"


def test_loss_curves_report_divergence_without_nan(ax, converged, diverged):
    loss_curves(ax, {"GD": diverged, "momentum": converged}, log=False)
    assert ax.get_yscale() == "linear" and ax.get_ylabel() == r"$f(\theta_k)$"
    for line in ax.get_lines():
        assert np.all(np.isfinite(line.get_ydata()))
    (note,) = ax.texts
    assert " ".join(note.get_text().split()) == f"GD: {diverged.message}"
    assert note.get_color() == "darkred"


def test_divergence_note_lists_every_diverged_run(ax, diverged):
    divergence_note(ax, {"a": diverged, "b": diverged})
    (note,) = ax.texts
    assert note.get_text().count("diverged at step") == 2


def test_log_scale_keeps_minor_ticks_only_for_a_narrow_range():
    fig, (narrow, wide) = new_figure(2)
    narrow.plot([0, 1], [1.0, 20.0])
    wide.plot([0, 1], [1e-8, 1.0])
    log_scale(narrow)
    log_scale(wide)
    figure_png(fig, dpi=30)
    assert len(narrow.yaxis.get_minorticklocs()) > 0
    assert len(wide.yaxis.get_minorticklocs()) == 0


def test_colors_are_distinct_and_in_order():
    colors = colors_for(["a", "b", "c"])
    assert list(colors) == ["a", "b", "c"] and len(set(colors.values())) == 3
    assert colors_for(["a", "x"])["a"] == colors["a"]
