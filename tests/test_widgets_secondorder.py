"""Tests for the explorers of lecture 06: each builds, every control redraws the right
curves (the zig-zag points are the closed form, (b, 1) is the worst start, CG's residual
reaches 1e-10 by step n or after k steps, Newton stops in the saddle while gradient
descent escapes), slider moves redraw only what moves, controls that do nothing are
disabled, and no NaN reaches the plot. How long a move takes is measured by
bench/widget_bench.py (and the browser tests), not asserted here."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from course import widgets
from course.widgets import Explorer
from course.widgets.secondorder import METHODS, STARTS, cg_system, newton_path, zigzag_rho, zigzag_start

#: factory, and the moves of every control (name, value); slider moves come first.
MOVES = {
    "zigzag": (widgets.zigzag_explorer, [("b", 0.5), ("b", 1.0), ("b", 0.01), ("start", 0.1), ("start", 20.0)]),
    "methods": (widgets.methods_explorer, [("b", 0.01), ("start", "B"), ("b", 1.0), ("problem", "rosenbrock"),
                                           ("start", "C")]),
    "cg": (widgets.cg_residual_explorer, [("n", 100), ("spectrum", "clustered"), ("k", 3), ("n", 20)]),
    "saddle": (widgets.saddle_explorer, [("w1", -0.5), ("w2", 1.0), ("w1", 1.5)]),
}
def plotted(fig: Figure) -> list[np.ndarray]:
    """The data of every line of the figure."""
    return [np.asarray(line.get_xydata(), dtype=float) for ax in fig.axes for line in ax.get_lines()]


def lines_by_label(ax) -> dict:
    return {line.get_label(): line for line in ax.get_lines()}


def assert_finite_or_masked(fig: Figure) -> None:
    """No NaN or inf reaches a plot, except NaN that masks non-positive values on a log axis."""
    for ax in fig.axes:
        for line in ax.get_lines():
            xy = np.asarray(line.get_xydata(), dtype=float)
            if ax.get_yscale() == "log":
                xy = xy[~np.isnan(xy[:, 1])]
            assert np.all(np.isfinite(xy)), f"{line.get_label()}: non-finite data"


@pytest.mark.parametrize("name", MOVES)
def test_explorer_builds_and_every_control_redraws(name):
    factory, moves = MOVES[name]
    w = factory()
    assert isinstance(w, Explorer) and w.draws == 1
    assert all(ax.get_xlabel() and ax.get_ylabel() for ax in w.figure.axes)
    assert set(w.controls) == {control for control, _ in moves}
    assert_finite_or_masked(w.figure)
    for control, value in moves:
        before, png = plotted(w.figure), w.png
        draws = w.draws
        w.controls[control].value = value
        assert w.draws == draws + 1
        after = plotted(w.figure)
        assert len(before) != len(after) or any(
            a.shape != b.shape or not np.allclose(a, b, equal_nan=True) for a, b in zip(before, after)
        ), f"moving {control} to {value!r} changed no curve"
        assert w.png != png
        assert_finite_or_masked(w.figure)


@pytest.mark.parametrize("name", MOVES)
def test_slider_moves_do_not_redraw_the_static_parts(name):
    factory, moves = MOVES[name]
    w = factory()
    for control, value in moves:
        if control in ("problem", "spectrum"):  # another problem: other contours and limits
            continue
        w.controls[control].value = value
    assert w.draws == 1 + sum(control not in ("problem", "spectrum") for control, _ in moves)
    assert w.full_draws == 1, "a move other than the problem toggle redrew the whole figure"


def test_zigzag_points_are_the_closed_form_and_f_falls_by_rho_squared():
    w = widgets.zigzag_explorer(b=0.2, steps=25)
    left, right = w.figure.axes
    for b in (0.2, 0.5, 0.05):
        w.controls["b"].value = b
        rho = zigzag_rho(b)
        lines = lines_by_label(left)
        path = lines["exact line search"].get_xydata()
        k = np.arange(len(path))
        np.testing.assert_allclose(path[:, 0], b * rho**k, rtol=1e-9, atol=1e-14)
        np.testing.assert_allclose(path[:, 1], (-rho) ** k, rtol=1e-9, atol=1e-14)
        np.testing.assert_allclose(lines[r"closed form $(b\rho^k, (-\rho)^k)$"].get_xydata(), path,
                                   rtol=1e-9, atol=1e-14)
        values = lines_by_label(right)["$f_k$, exact line search"].get_ydata()
        np.testing.assert_allclose(values[1:] / values[:-1], rho**2, rtol=1e-8)
        steps = np.diff(path, axis=0)
        cosines = np.sum(steps[1:] * steps[:-1], axis=1)
        np.testing.assert_allclose(cosines, 0.0, atol=1e-12)  # the steps, along −g, turn by right angles


def test_zigzag_at_b_one_reaches_the_minimum_in_one_step():
    w = widgets.zigzag_explorer(b=1.0)
    path = lines_by_label(w.figure.axes[0])["exact line search"].get_xydata()
    np.testing.assert_allclose(path[-1], [0.0, 0.0], atol=1e-15)
    assert len(path) == 2


def test_zigzag_from_b_1_is_the_worst_start_and_is_gradient_descent_with_the_best_constant_step():
    """From (b, 1) exact line search meets the Kantorovich bound ρ² per step and retraces
    gradient descent with ε* = 2/(1 + b); from other starts on the same ellipse it is
    faster, by a constant factor per step (in 2-D), and the closed form is not drawn."""
    w = widgets.zigzag_explorer(b=0.1)
    left, right = w.figure.axes
    rho2 = zigzag_rho(0.1) ** 2
    lines, curves = lines_by_label(left), lines_by_label(right)
    exact, best = lines["exact line search"].get_xydata(), lines[r"constant step $\varepsilon^* = 2/(1+b)$"].get_xydata()
    np.testing.assert_allclose(exact, best[: len(exact)], rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(exact[0], [0.1, 1.0])
    for ratio in (0.1, 0.5, 2.0, 20.0):
        w.controls["start"].value = ratio
        lines, curves = lines_by_label(left), lines_by_label(right)
        exact = lines["exact line search"].get_xydata()
        f0 = 0.5 * (exact[0, 0] ** 2 + 0.1 * exact[0, 1] ** 2)
        assert f0 == pytest.approx(0.5 * (0.1**2 + 0.1))  # on the ellipse through (b, 1)
        assert 0.1 * exact[0, 1] / exact[0, 0] == pytest.approx(ratio)  # g_y/g_x at the start
        f = curves["$f_k$, exact line search"].get_ydata()
        factors = f[1:11] / f[:10]
        np.testing.assert_allclose(factors, factors[0], rtol=1e-6)  # the same factor every step
        assert factors[0] < rho2 * (1 - 1e-3)
        constant = curves[r"$f_k$, constant $\varepsilon^*$"].get_ydata()
        np.testing.assert_allclose(constant[1:] / constant[:-1], rho2, rtol=1e-9)
        assert len(lines[r"closed form $(b\rho^k, (-\rho)^k)$"].get_xydata()) == 0
        assert "bound ρ² = 0.669" in right.get_title()


def test_zigzag_start_lies_on_the_ellipse_through_b_1():
    for b in (0.01, 0.3, 1.0):
        for ratio in (0.01, 1.0, 100.0):
            x, y = zigzag_start(b, ratio)
            assert 0.5 * (x**2 + b * y**2) == pytest.approx(0.5 * (b**2 + b))
            assert b * y / x == pytest.approx(ratio)
            assert max(abs(x), abs(y)) < 1.5  # inside the window


def test_methods_on_the_quadratic_newton_one_step_cg_two():
    w = widgets.methods_explorer(problem="quadratic", b=0.1, start="A")
    left, middle, right = w.figure.axes
    paths = {name: line.get_xydata() for name, line in lines_by_label(left).items() if name in METHODS}
    assert set(paths) == set(METHODS)
    for path in paths.values():
        np.testing.assert_allclose(path[0], STARTS["A"][0])
    assert len(paths["Newton"]) == 2 and np.allclose(paths["Newton"][-1], 0.0, atol=1e-12)
    assert len(paths["nonlinear CG"]) <= 6  # 2 steps with exact line searches; a few with strong Wolfe
    assert len(paths["gradient descent"]) > 3 * len(paths["BFGS"])
    norms = {line.get_label(): line for line in right.get_lines()}
    assert len(norms) == len(METHODS)


def test_methods_on_rosenbrock_start_at_the_chosen_point_and_converge():
    w = widgets.methods_explorer(problem="rosenbrock", start="A")
    left, middle, _ = w.figure.axes
    assert left.get_xlim() == (-2.0, 2.0) and left.get_ylim() == (-1.0, 3.0)
    paths = lines_by_label(left)
    for name in ("nonlinear CG", "BFGS", "Newton"):
        path = paths[name].get_xydata()
        np.testing.assert_allclose(path[0], STARTS["A"][1])
        np.testing.assert_allclose(path[-1], [1.0, 1.0], atol=1e-5)
    gaps = lines_by_label(middle)
    assert np.nanmin(gaps["BFGS"].get_ydata()) < 1e-12


def test_cg_residual_reaches_round_off_by_step_n_and_after_k_clustered_steps():
    w = widgets.cg_residual_explorer(n=30, spectrum="spread")
    (ax,) = w.figure.axes
    for n in (10, 30, 60):
        w.controls["n"].value = n
        residual = lines_by_label(ax)["linear CG"].get_ydata()
        assert residual[0] == pytest.approx(1.0)
        assert residual[min(n, len(residual) - 1)] <= 1e-10, f"n = {n}"
        assert residual[n // 2] > 1e-10, "CG should need most of its n steps here"
    w.controls["spectrum"].value = "clustered"
    for k in (2, 5):
        w.controls["k"].value = k
        residual = lines_by_label(ax)["linear CG"].get_ydata()
        assert residual[k] <= 1e-10 and residual[k - 1] > 1e-6, f"k = {k}"
        assert f"{k} distinct eigenvalues" in ax.get_title()


def test_cg_systems_have_the_spectrum_they_promise():
    A, b = cg_system(40, "clustered", 4)
    eigenvalues = np.linalg.eigvalsh(A)
    assert len(np.unique(np.round(eigenvalues, 8))) == 4 and b.shape == (40,)
    A, _ = cg_system(20, "spread", 1)
    np.testing.assert_allclose(np.linalg.eigvalsh(A), np.linspace(1, 200, 20), rtol=1e-9)


def test_newton_is_pulled_into_the_saddle_while_gradient_descent_escapes():
    w = widgets.saddle_explorer(w1=0.4, w2=0.3)
    left, right = w.figure.axes
    paths = lines_by_label(left)
    np.testing.assert_allclose(paths["Newton"].get_xydata()[-1], [0.0, 0.0], atol=1e-8)
    gd = paths["gradient descent"].get_xydata()[-1]
    assert abs(1 - gd[0] * gd[1]) < 1e-3, "gradient descent reaches the valley w₁w₂ = 1"
    losses = lines_by_label(right)
    assert losses["Newton"].get_ydata()[-1] == pytest.approx(1.0)
    w.controls["w1"].value = 1.0
    w.controls["w2"].value = 0.9  # near the valley Newton converges to a minimum
    end = lines_by_label(left)["Newton"].get_xydata()[-1]
    assert abs(1 - end[0] * end[1]) < 1e-8


def test_newton_path_stops_at_a_singular_hessian():
    path = newton_path(np.array([1.0, 1.0]))  # a minimum: g = 0
    assert len(path) == 1
    # On w₁w₂ = 1/3, det H = (2 − 2w₁w₂)(6w₁w₂ − 2) = 0; in floating point det H ≈ 7e-16 and
    # np.linalg.solve would return a step of 1e15: the path must stop at the start instead.
    start = np.array([1 / np.sqrt(3), 1 / np.sqrt(3)])
    np.testing.assert_array_equal(newton_path(start), [start])
    near = newton_path(np.array([0.6, 0.6]))  # w₁w₂ = 0.36: H regular, Newton moves
    assert len(near) > 1 and np.all(np.abs(near) < 10)


@pytest.mark.parametrize(
    "factory, kwargs, message",
    [
        (widgets.zigzag_explorer, {"b": 1.5}, "b must lie in"),
        (widgets.zigzag_explorer, {"b": 0.0}, "must be positive"),
        (widgets.zigzag_explorer, {"start": 3.0}, "start must be one of"),
        (widgets.methods_explorer, {"problem": "beale"}, "problem must be one of"),
        (widgets.methods_explorer, {"start": "D"}, "start must be one of"),
        (widgets.cg_residual_explorer, {"n": 15}, "n must be one of"),
        (widgets.cg_residual_explorer, {"spectrum": "random"}, "spectrum must be one of"),
    ],
)
def test_bad_keyword_arguments_are_named(factory, kwargs, message):
    with pytest.raises(ValueError, match=message):
        factory(**kwargs)


def test_cg_k_slider_applies_only_to_the_clustered_spectrum():
    w = widgets.cg_residual_explorer(spectrum="spread")
    assert w.controls["k"].disabled
    w.controls["spectrum"].value = "clustered"
    assert not w.controls["k"].disabled
    before = w.png
    w.controls["k"].value = 3
    assert w.png != before


def test_methods_b_slider_applies_only_to_the_quadratic():
    w = widgets.methods_explorer(problem="quadratic")
    assert not w.controls["b"].disabled
    w.controls["problem"].value = "rosenbrock"
    assert w.controls["b"].disabled
    w.controls["problem"].value = "quadratic"
    assert not w.controls["b"].disabled
    assert widgets.methods_explorer(problem="rosenbrock").controls["b"].disabled
