"""Tests for lecture 04's explorers: what each one shows is what the theory says.

(tests/test_widgets.py checks that every explorer draws, redraws only what moves and
degrades to a PNG; here, the content: the terminal velocity and the overshoot, the noise
floors and the decaying rate of the valley, the rate map and the runs it predicts.)
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from course import widgets
from course.optim import momentum_rate, momentum_step, optimal_momentum, stationary_loss
from course.widgets.momentum import (
    METHODS, NOISY_LOSSES, NOISY_RUNS, SLOPE_START, VALLEY_CURVATURES, VALLEY_LOSSES, NoisyGradient,
    noise_floor, rates, slope_run,
)


def lines_by_label(ax) -> dict:
    return {line.get_label(): line for line in ax.get_lines()}


def shown_text(ax) -> str:
    return " ".join(t.get_text() for t in ax.texts if t.get_visible())


# --- terminal_velocity_explorer -----------------------------------------------------------


@pytest.mark.parametrize("alpha", [0.0, 0.9])
def test_the_slope_run_is_algorithm_8_2_on_a_slope_into_a_bowl(alpha):
    theta, v = np.array([SLOPE_START]), np.zeros(1)
    expected = [SLOPE_START]
    for _ in range(120):
        theta, v = momentum_step(theta, v, np.clip(theta, -1.0, 1.0), 0.1, alpha)  # ∇f: ±1 on the slopes, θ in the bowl
        expected.append(float(theta[0]))
    np.testing.assert_allclose(slope_run(0.1, alpha, 120), expected, rtol=1e-12, atol=1e-12)


def test_the_speed_reaches_the_terminal_velocity_on_the_slope():
    lr, alpha = 0.1, 0.5
    w = widgets.terminal_velocity_explorer(lr=lr, alpha=alpha)
    left, right = w.figure.axes
    speeds = lines_by_label(right)
    momentum = speeds[r"momentum: speed $|v_k|$"].get_ydata()
    assert momentum[0] == pytest.approx(lr)  # the first step is gradient descent's
    assert momentum[40] == pytest.approx(lr / (1 - alpha), rel=1e-9)  # still on the slope: θ ≈ 30 − 40·0.2
    np.testing.assert_allclose(speeds[r"terminal velocity $\varepsilon\|g\|/(1-\alpha)$"].get_ydata(), lr / (1 - alpha))
    np.testing.assert_allclose(speeds[r"gradient descent: $\varepsilon\|g\|$"].get_ydata()[:200], lr)
    w.controls["alpha"].value = 0.9
    np.testing.assert_allclose(lines_by_label(right)[r"terminal velocity $\varepsilon\|g\|/(1-\alpha)$"].get_ydata(),
                               lr / (1 - 0.9))


def test_the_report_says_when_the_bowl_is_reached_and_how_far_momentum_overshoots():
    w = widgets.terminal_velocity_explorer(lr=0.1, alpha=0.9)
    left, _ = w.figure.axes
    positions = lines_by_label(left)
    theta = positions["momentum"].get_ydata()
    gd = positions["gradient descent"].get_ydata()
    assert theta[0] == gd[0] == SLOPE_START
    arrival, gd_arrival = int(np.argmax(np.abs(theta) <= 1)), int(np.argmax(np.abs(gd) <= 1))
    assert gd_arrival == 290 and arrival < gd_arrival / 5  # (30 − 1)/0.1 steps for gradient descent
    report = shown_text(left)
    assert f"GD {gd_arrival}, momentum {arrival}" in report
    assert f"overshoots to θ = {theta.min():.3g}" in report and theta.min() < -1
    w.controls["alpha"].value = 0.99
    assert lines_by_label(w.figure.axes[0])["momentum"].get_ydata().min() < 5 * theta.min(), "more memory, more overshoot"
    w.controls["alpha"].value = 0.5
    assert "momentum does not overshoot" in shown_text(w.figure.axes[0])


# --- momentum_explorer with noise -----------------------------------------------------------


def test_the_noise_is_one_fixed_sequence():
    noise = np.random.default_rng(0).standard_normal((3, 2))
    grad = NoisyGradient(lambda x: 2 * x, 0.5, noise)
    x = np.array([1.0, -1.0])
    for k in range(3):
        np.testing.assert_allclose(grad(x), 2 * x + 0.5 * noise[k])
    assert grad.calls == 3


def test_with_alpha_zero_all_three_methods_see_the_same_noise():
    w = widgets.momentum_explorer(lr=0.1, alpha=0.0, sigma=1.0, steps=50)
    losses = lines_by_label(w.figure.axes[1])
    for name in METHODS[1:]:
        np.testing.assert_allclose(losses[name].get_ydata(), losses["gradient descent"].get_ydata())


def test_the_noise_floors_are_the_theory_and_the_runs_settle_there():
    lr, alpha, sigma = 0.1, 0.9, 1.0
    w = widgets.momentum_explorer(lr=lr, alpha=alpha, sigma=sigma, steps=200)
    left, right = w.figure.axes
    assert right.get_ylim() == pytest.approx(NOISY_LOSSES)
    losses = lines_by_label(right)
    floors = [line for line in right.get_lines() if line.get_linestyle() == "--" and line.get_label().startswith("_")]
    assert len(floors) == 3 and all(line.get_visible() for line in floors)
    for name, line in zip(METHODS, floors):
        a = 0.0 if name == "gradient descent" else alpha
        expected = sum(stationary_loss(lam, lr, a, sigma, name == "Nesterov") for lam in VALLEY_CURVATURES)
        np.testing.assert_allclose(line.get_ydata(), expected)
    for name in ("momentum", "Nesterov"):  # these settle within the 200 steps; the mean of 32 runs is near the floor
        settled = float(np.mean(losses[name].get_ydata()[100:]))
        assert settled == pytest.approx(noise_floor(lr, alpha, sigma, name == "Nesterov"), rel=0.3)
    assert noise_floor(lr, alpha, sigma) > 5 * noise_floor(lr, 0.0, sigma), "momentum's floor: ε/(1 − α)"
    clouds = [c for c in left.collections if len(c.get_offsets()) == NOISY_RUNS]
    assert len(clouds) == 3, "the last iterates of every noisy copy"


def test_a_decaying_rate_goes_below_the_constant_rate_floor():
    w = widgets.momentum_explorer(lr=0.1, alpha=0.9, sigma=1.0, schedule="decaying", steps=200)
    right = w.figure.axes[1]
    final = float(np.mean(lines_by_label(right)["momentum"].get_ydata()[-20:]))
    assert final < noise_floor(0.1, 0.9, 1.0) / 3
    floors = [line for line in right.get_lines() if line.get_linestyle() == "--" and line.get_label().startswith("_")]
    momentum_floor = floors[1].get_ydata()
    assert momentum_floor[0] == pytest.approx(noise_floor(0.1, 0.9, 1.0))
    assert momentum_floor[-1] == pytest.approx(noise_floor(0.001, 0.9, 1.0)), "the floor of ε/100"


def test_turning_the_noise_on_and_off_changes_the_loss_axis_once():
    w = widgets.momentum_explorer(steps=30)
    right = w.figure.axes[1]
    assert right.get_ylim() == pytest.approx(VALLEY_LOSSES)
    assert not any(line.get_visible() for line in right.get_lines() if line.get_linestyle() == "--"
                   and line.get_label().startswith("_")), "no floors without noise"
    w.controls["sigma"].value = 0.5
    assert right.get_ylim() == pytest.approx(NOISY_LOSSES) and w.full_draws == 2
    w.controls["sigma"].value = 0.8
    w.controls["lr"].value = 0.2
    assert w.full_draws == 2, "moves with noise on paste the kept pixels"
    w.controls["sigma"].value = 0.0
    assert right.get_ylim() == pytest.approx(VALLEY_LOSSES) and w.full_draws == 3


# --- momentum_rate_explorer ------------------------------------------------------------------


def test_rates_on_a_grid_are_momentum_rate():
    lrs, alphas = np.array([[0.1], [0.6]]), np.array([0.0, 0.5, 0.9])
    grid = rates(4.0, lrs, alphas)
    assert grid.shape == (2, 3)
    for i, lr in enumerate(lrs[:, 0]):
        for j, alpha in enumerate(alphas):
            assert grid[i, j] == momentum_rate(4.0, float(lr), float(alpha))


def test_the_rate_map_marks_the_optimum_and_gradient_descent():
    w = widgets.momentum_rate_explorer()
    rate_map = w.figure.axes[0]
    marks = lines_by_label(rate_map)
    lr, alpha = optimal_momentum(*VALLEY_CURVATURES)
    (star,) = [line for label, line in marks.items() if label.startswith("optimum")]
    np.testing.assert_allclose(star.get_xydata(), [[alpha, lr]])
    assert "ρ = 0.635" in star.get_label()
    (diamond,) = [line for label, line in marks.items() if label.startswith("best gradient descent")]
    np.testing.assert_allclose(diamond.get_xydata(), [[0.0, 2 / sum(VALLEY_CURVATURES)]])
    assert "ρ = 0.905" in diamond.get_label()
    np.testing.assert_allclose(marks["your (α, ε)"].get_xydata(), [[0.9, 0.1]])


def test_the_curves_against_alpha_follow_the_learning_rate():
    w = widgets.momentum_rate_explorer(lr=0.3, alpha=0.2)
    against_alpha = w.figure.axes[1]
    curves = [line for line in against_alpha.get_lines() if line.get_label().startswith(("flat", "steep"))]
    for line, lam in zip(curves, VALLEY_CURVATURES):
        alphas = line.get_xdata()
        np.testing.assert_allclose(line.get_ydata(), [momentum_rate(lam, 0.3, float(a)) for a in alphas])
    flat = momentum_rate(VALLEY_CURVATURES[0], 0.3, 0.2)
    assert flat > math.sqrt(0.2) and f"rate {flat:.3f}" in against_alpha.get_title()  # overdamped: the slow one
    w.controls["lr"].value = 0.9
    assert "does not converge" in against_alpha.get_title()  # beyond 2(1 + α)/λ_max = 0.6


@pytest.mark.parametrize("lr, alpha", [(0.1, 0.9), (0.3, 0.2), (0.665, 0.4), (0.45, 0.0)])
def test_the_predicted_slopes_cover_the_run_and_touch_it(lr, alpha):
    w = widgets.momentum_rate_explorer(lr=lr, alpha=alpha)
    errors = w.figure.axes[3]
    measured = [line for line in errors.get_lines() if line.get_label().startswith("|θ")]
    dashed = [line for line in errors.get_lines() if line.get_linestyle() == "--" and line.get_label().startswith("_")]
    assert len(measured) == len(dashed) == 2
    for size, envelope, lam in zip(measured, dashed, VALLEY_CURVATURES):
        y, bound = size.get_ydata(), envelope.get_ydata()
        assert np.all(y <= bound * (1 + 1e-9)) and np.any(np.isclose(y, bound, rtol=1e-9))
        rho = momentum_rate(lam, lr, alpha)
        np.testing.assert_allclose(bound[1:] / bound[:-1], rho)


def test_the_sliders_best_point_is_next_to_the_optimum():
    """On the sliders' grid (ε in steps of 0.005, α of 0.01) the best rate is √0.41 = 0.640, for
    0.65 ≤ ε ≤ 0.67 (optimum: 0.635); rounding α* = 0.403 down to 0.40 costs more (0.74 at ε = 0.67)."""
    lr, alpha = optimal_momentum(*VALLEY_CURVATURES)
    w = widgets.momentum_rate_explorer(lr=0.66, alpha=0.41, steps=60)
    assert "rate 0.640" in w.figure.axes[1].get_title()
    (run_path,) = [line for line in w.figure.axes[2].get_lines() if line.get_label() == "momentum, your (α, ε)"]
    assert np.abs(run_path.get_xydata()[-1]).max() < 1e-9
    lrs, alphas = np.arange(1, 201) * 0.005, np.arange(100) * 0.01
    worst = np.maximum(rates(VALLEY_CURVATURES[0], lrs[:, None], alphas), rates(VALLEY_CURVATURES[1], lrs[:, None], alphas))
    assert worst.min() == pytest.approx(math.sqrt(0.41)) and math.sqrt(0.41) > math.sqrt(alpha)
    w.controls["lr"].value = 0.67
    w.controls["alpha"].value = 0.40
    assert "rate 0.738" in w.figure.axes[1].get_title()
