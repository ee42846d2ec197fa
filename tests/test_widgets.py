"""Tests for course.widgets: every explorer draws, redraws, degrades to a PNG, and runs headless."""

from __future__ import annotations

import asyncio
import base64
import io
from concurrent.futures import ThreadPoolExecutor

import ipywidgets
import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest
from IPython.core.formatters import DisplayFormatter
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from nbclient import NotebookClient
from PIL import Image

from course import widgets
from course.backend import asarray
from course.optim import SGD, AdaGrad, Adam, Momentum, RMSProp, run
from course.problems import rosenbrock, rotation
from course.widgets import Explorer
from course.widgets.adaptive import METHODS, noise_sequence, rotated_valley, run_2d, setting
from course.widgets.momentum import VALLEY_START
from course.widgets.sgd import learning_rate

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

#: factory, number of axes, a control to move and a value to move it to, and
#: keyword arguments that make a quick explorer (the defaults are tested once)
EXPLORERS = {
    "sgd": (widgets.sgd_explorer, 2, "lr", 0.05, {"steps": 50}),
    "batch_size": (widgets.batch_size_explorer, 2, "batch_size", 64, {}),
    "momentum": (widgets.momentum_explorer, 2, "alpha", 0.5, {"steps": 30}),
    "noisy_momentum": (widgets.momentum_explorer, 2, "alpha", 0.5, {"steps": 30, "sigma": 1.0}),
    "terminal_velocity": (widgets.terminal_velocity_explorer, 2, "alpha", 0.5, {"steps": 30}),
    "momentum_rate": (widgets.momentum_rate_explorer, 4, "alpha", 0.5, {"steps": 30}),
    "adaptive": (widgets.adaptive_explorer, 3, "adam_lr", 0.01, {"steps": 40}),
}


@pytest.fixture(scope="module")
def explorers():
    """One explorer of each kind with its default settings (read-only: don't move controls)."""
    return {name: factory(**({"sigma": 1.0} if name == "noisy_momentum" else {}))
            for name, (factory, *_) in EXPLORERS.items()}


def plotted_data(fig: Figure) -> list[np.ndarray]:
    """The data of every line and scatter of the figure, in drawing order."""
    data = []
    for ax in fig.axes:
        data += [np.asarray(line.get_xydata(), dtype=float) for line in ax.get_lines()]
        data += [np.asarray(c.get_offsets(), dtype=float) for c in ax.collections if isinstance(c, PathCollection)]
    return data


def png_of(bundle_value: str) -> bytes:
    return base64.b64decode(bundle_value)


def texts(fig: Figure) -> str:
    """All text written into the axes, with line breaks and indents as single spaces."""
    return " ".join(" ".join(t.get_text().split()) for ax in fig.axes for t in ax.texts)


def legend_labels(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def assert_shows_its_figure(w: Explorer) -> None:
    """The picture is what drawing the figure from scratch gives: pixel for pixel with the
    static parts drawn anew, and but for a few overlaps (the animated artists lie on top)
    with every artist drawn in z-order."""
    shown = pixels(w.png)
    w._background = None
    np.testing.assert_array_equal(shown, pixels(w._render()), "the kept pixels are out of date")
    animated = [a for ax in w.figure.axes for a in ax.get_children() if a.get_animated()]
    for artist in animated:
        artist.set_animated(False)
    try:
        w.figure.canvas.draw()
        whole = np.asarray(w.figure.canvas.buffer_rgba())[..., :3]
        assert np.mean(np.any(whole != shown, axis=-1)) < 0.005
    finally:
        for artist in animated:
            artist.set_animated(True)


@pytest.mark.parametrize("name", EXPLORERS)
def test_creating_an_explorer_draws_once(explorers, name):
    _, n_axes, control, _, _ = EXPLORERS[name]
    w = explorers[name]
    assert isinstance(w, Explorer) and isinstance(w, ipywidgets.VBox)
    assert w.draws == 1
    assert isinstance(w.figure, Figure)
    assert len(w.figure.axes) == n_axes
    assert all(ax.get_lines() for ax in w.figure.axes), "every panel must show lines"
    assert all(ax.get_title() and ax.get_xlabel() and ax.get_ylabel() for ax in w.figure.axes)
    assert control in w.controls and w.controls[control] in w.children[0].children
    assert w.image in w.children and w.png.startswith(PNG_MAGIC) and bytes(w.image.value) == w.png
    for data in plotted_data(w.figure):
        assert np.all(np.isfinite(data)), "no NaN or inf may reach the plot"


@pytest.mark.parametrize("name", EXPLORERS)
def test_moving_a_control_redraws(name):
    factory, n_axes, control, value, quick = EXPLORERS[name]
    w = factory(**quick)
    old, png_before = plotted_data(w.figure), w.png
    w.controls[control].value = value
    assert w.draws == 2
    assert w.values[control] == value
    assert len(w.figure.axes) == n_axes
    new = plotted_data(w.figure)
    assert len(old) != len(new) or any(a.shape != b.shape or not np.allclose(a, b) for a, b in zip(old, new))
    assert w.png != png_before


@pytest.mark.parametrize("name", EXPLORERS)
def test_a_move_redraws_only_what_moves_and_gives_the_whole_picture(name):
    factory, _, control, value, quick = EXPLORERS[name]
    w = factory(**quick)
    w.controls[control].value = value
    assert w.full_draws == 1, "a slider move must not redraw the static parts of the figure"
    assert_shows_its_figure(w)


@pytest.mark.parametrize("name", EXPLORERS)
def test_display_bundle_holds_widget_view_png_and_text(explorers, name):
    w = explorers[name]
    data, _ = DisplayFormatter().format(w)  # what IPython sends for a cell's last expression
    assert data[WIDGET_VIEW]["model_id"] == w.model_id
    png = png_of(data["image/png"])
    assert png.startswith(PNG_MAGIC) and len(png) > 10_000
    assert png == w.png, "the fallback is the current picture"
    assert "Explorer" in data["text/plain"]


def test_the_static_png_follows_the_controls():
    w = widgets.terminal_velocity_explorer(alpha=0.9, steps=30)
    first = w._repr_mimebundle_()["image/png"]
    w.controls["alpha"].value = 0.99
    assert w._repr_mimebundle_()["image/png"] != first
    assert "alpha=0.99" in w._repr_mimebundle_()["text/plain"]


@pytest.mark.parametrize(
    "factory, kwargs",
    [
        (widgets.sgd_explorer, {"lr": 1e4, "steps": 20}),
        (widgets.momentum_explorer, {"lr": 3.0}),
        (widgets.adaptive_explorer, {"adagrad_lr": 1e3, "rmsprop_lr": 1e3, "adam_lr": 1e3, "steps": 20}),
    ],
    ids=["sgd", "momentum", "adaptive"],
)
def test_a_diverging_setting_shows_the_message(factory, kwargs):
    w = factory(**kwargs)
    assert w.draws == 1
    note = texts(w.figure)
    assert "diverged at step" in note and "try a smaller learning rate" in note
    for data in plotted_data(w.figure):
        assert np.all(np.isfinite(data))


def test_diverged_paths_are_noted_and_clipped_to_the_window():
    w = widgets.momentum_explorer(lr=3.0, steps=20)
    left, right = w.figure.axes
    assert texts(w.figure).count("diverged at step") == 3
    (x0, x1), (y0, y1) = left.get_xlim(), left.get_ylim()
    paths = [line for line in left.get_lines() if not line.get_label().startswith("_") and line.get_label() != "minimum"]
    assert len(paths) == 3
    for line in paths:
        xy = line.get_xydata()[:-1]  # the last point may lie outside: the line leaves the window
        assert np.all((xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1))
    w.controls["lr"].value = 0.1
    assert "diverged" not in " ".join(t.get_text() for t in right.texts if t.get_visible())


def test_momentum_explorer_starts_in_the_valley_and_beats_gradient_descent():
    w = widgets.momentum_explorer(lr=0.1, alpha=0.9, steps=60)
    left, right = w.figure.axes
    paths = {line.get_label(): line.get_xydata() for line in left.get_lines()}
    for name in ("gradient descent", "momentum", "Nesterov"):
        np.testing.assert_allclose(paths[name][0], VALLEY_START)
        assert len(paths[name]) == 61
    losses = {line.get_label(): line.get_ydata() for line in right.get_lines()}
    assert losses["momentum"][-1] < losses["gradient descent"][-1] / 10
    assert losses["Nesterov"][-1] < losses["gradient descent"][-1] / 10
    assert right.get_yscale() == "log"


def _lines(ax) -> dict:
    return {line.get_label(): line for line in ax.get_lines()}


def test_batch_size_explorer_draws_the_noisy_quadratic_models_expected_loss():
    from course.optim import expected_sgd_loss, sgd_noise_floor
    from course.widgets.sgd import NQM_LAMS, NQM_NOISE, NQM_START, NQM_TARGET

    w = widgets.batch_size_explorer(batch_size=16, rule="linear", lr=0.01)
    left = _lines(w.figure.axes[0])
    k, drawn = left["chosen m"].get_xdata(), left["chosen m"].get_ydata()
    np.testing.assert_allclose(drawn, expected_sgd_loss(NQM_LAMS, NQM_NOISE, NQM_START, 0.16, 16, k), rtol=1e-12)
    floor = sum(sgd_noise_floor(l, 0.16, np.sqrt(c), 16) for l, c in zip(NQM_LAMS, NQM_NOISE))
    np.testing.assert_allclose(left[r"noise floor $\approx \varepsilon\sum_i\lambda_i/(4m)$"].get_ydata(), floor)
    np.testing.assert_allclose(drawn[-1], floor, rtol=1e-6)  # settled at the floor after 10⁶ steps
    steps = int(w.figure.axes[0].title.get_text().split(": ")[1].split()[0])  # "m = 16, ε = 0.16: 271 steps, …"
    values = expected_sgd_loss(NQM_LAMS, NQM_NOISE, NQM_START, 0.16, 16, np.array([steps - 1, steps]))
    assert values[0] > NQM_TARGET >= values[1]


def test_linear_scaling_halves_the_steps_below_the_critical_batch_and_diverges_beyond():
    w = widgets.batch_size_explorer(batch_size=16, rule="linear", lr=0.01)
    right = _lines(w.figure.axes[1])
    m, steps = right["steps, chosen rule"].get_xdata(), right["steps, chosen rule"].get_ydata()
    examples = right["examples (m × steps), chosen rule"].get_ydata()
    assert list(m) == [1, 2, 4, 8, 16, 32, 64, 128]  # from m = 256 on ε = 2.56 > 2/λ_max: no point
    np.testing.assert_allclose(steps[:6] * m[:6], steps[0], rtol=0.15)  # perfect scaling: the same examples
    np.testing.assert_allclose(examples, steps * m)
    w.controls["batch_size"].value = 256
    assert "diverges" in w.figure.axes[0].title.get_text()
    w.controls["rule"].value = "same"
    same = _lines(w.figure.axes[1])["steps, chosen rule"].get_ydata()
    assert np.all(np.isfinite(same)) and same[-1] > 0.6 * same[0]  # one ε: larger batches barely help
    best = right["steps, best constant ε for each m"].get_ydata()
    assert np.all(best <= same + 1e-9) and best[-1] < best[0] / 100


def test_sgd_explorer_plots_the_chosen_schedule():
    w = widgets.sgd_explorer(lr=0.5, schedule="linear decay", steps=100)  # τ = 75
    lines = {line.get_label(): line for line in w.figure.axes[1].get_lines()}
    decay = lines["linear decay"].get_ydata()
    assert decay[0] == pytest.approx(1.0) and decay[-1] == pytest.approx(0.01)
    np.testing.assert_allclose(lines["constant"].get_ydata(), 1.0)
    assert lines["warm-up"].get_ydata()[0] == pytest.approx(0.1) and lines["warm-up"].get_ydata()[-1] == pytest.approx(1.0)
    widths = {name: line.get_linewidth() for name, line in lines.items()}
    assert widths["linear decay"] > widths["constant"] == widths["warm-up"]
    styles = {line.get_linestyle() for name, line in lines.items() if name != "linear decay"}
    colors = {line.get_color() for line in lines.values()}
    assert styles == {"--"} and len(colors) == 3, "the other schedules stay distinguishable"
    w.controls["schedule"].value = "warm-up"
    assert lines["warm-up"].get_linewidth() > lines["linear decay"].get_linewidth()
    w.controls["batch_size"].value = 256
    assert "m = 256" in w.figure.axes[0].get_title()


def test_warm_up_tames_the_first_steps_of_a_large_rate():
    w = widgets.sgd_explorer(lr=20.0, schedule="constant", batch_size=256, steps=200)
    gap = {line.get_label(): line.get_ydata() for line in w.figure.axes[0].get_lines()}["full-batch gradient descent"]
    w.controls["schedule"].value = "warm-up"
    warm = {line.get_label(): line.get_ydata() for line in w.figure.axes[0].get_lines()}["full-batch gradient descent"]
    assert warm[1] < gap[1] and warm[10] < gap[10] / 100, "the warm-up gets further in its first steps"


def test_learning_rate_schedules():
    assert learning_rate("constant", 0.3, 100) == 0.3
    decay = learning_rate("linear decay", 0.3, 100)
    assert decay(0) == pytest.approx(0.3) and decay(75) == pytest.approx(0.003) and decay(99) == pytest.approx(0.003)
    ramp = learning_rate("warm-up", 0.3, 100)
    assert ramp(0) == pytest.approx(0.03) and ramp(9) == pytest.approx(0.3) and ramp(50) == pytest.approx(0.3)
    with pytest.raises(ValueError, match="schedule must be one of"):
        learning_rate("cosine", 0.3, 100)


def test_keyword_arguments_set_the_initial_controls():
    w = widgets.adaptive_explorer(problem="quadratic", adagrad_lr=0.5, rmsprop_lr=0.01, adam_lr=0.05, angle=30.0,
                                  steps=20)
    assert w.values == {"problem": "quadratic", "gd_lr": 0.001, "momentum_lr": 0.0002, "adagrad_lr": 0.5,
                        "rmsprop_lr": 0.01, "adam_lr": 0.05, "noise": 0.0, "angle": 30.0, "schedule": "constant"}
    assert w.figure.axes[0].get_title() == "0.1 θ₁² + 2 θ₂² rotated by 30°"
    w.controls["problem"].value = "rosenbrock"
    assert w.figure.axes[0].get_title() == "Rosenbrock"
    assert w.figure.axes[0].get_xlim() == (-2.0, 2.0) and w.full_draws == 2, "new contours: a whole redraw"
    assert_shows_its_figure(w)
    w = widgets.momentum_explorer(lr=5.0, alpha=0.3, steps=5)  # outside the default slider range: the range widens
    assert w.values == {"lr": 5.0, "alpha": 0.3, "sigma": 0.0, "schedule": "constant"}


@pytest.mark.parametrize(
    "factory, kwargs, message",
    [
        (widgets.momentum_explorer, {"alpha": 1.0}, "alpha must lie in"),
        (widgets.momentum_explorer, {"lr": -0.1}, "must be positive"),
        (widgets.momentum_explorer, {"sigma": -1.0}, "sigma must be non-negative"),
        (widgets.momentum_explorer, {"schedule": "cosine"}, "schedule must be one of"),
        (widgets.momentum_rate_explorer, {"alpha": 1.0}, "alpha must lie in"),
        (widgets.sgd_explorer, {"schedule": "cosine"}, "schedule must be one of"),
        (widgets.sgd_explorer, {"batch_size": 3}, "batch size m must be one of"),
        (widgets.batch_size_explorer, {"rule": "cubic"}, "rule must be one of"),
        (widgets.batch_size_explorer, {"batch_size": 3}, "batch size m must be one of"),
        (widgets.saddle_escape_explorer, {"noise": 0.5}, "noise must be one of"),
        (widgets.adaptive_explorer, {"problem": "beale"}, "problem must be one of"),
        (widgets.adaptive_explorer, {"noise": 0.2}, "gradient noise σ must be one of"),
        (widgets.adaptive_explorer, {"schedule": "cosine"}, "learning rate must be one of"),
        (widgets.terminal_velocity_explorer, {"steps": 0}, "steps must be >= 1"),
    ],
)
def test_bad_keyword_arguments_are_named(factory, kwargs, message):
    with pytest.raises(ValueError, match=message):
        factory(**kwargs)


def simple_explorer(seen: list) -> Explorer:
    fig = Figure()
    (line,) = fig.add_subplot().plot([0, 1], [0, 0], animated=True)

    def update(a, b):
        seen.append((a, b))
        line.set_ydata([a, b])

    return Explorer({"a": ipywidgets.FloatSlider(value=1.0), "b": ipywidgets.IntSlider(value=2, max=50)}, fig, update)


def test_explorer_passes_control_values_to_update():
    seen = []
    w = simple_explorer(seen)
    w.controls["b"].value = 5
    assert seen == [(1.0, 2), (1.0, 5)] and w.draws == 2 and w.full_draws == 1
    np.testing.assert_allclose(w.figure.axes[0].get_lines()[0].get_ydata(), [1.0, 5])


def test_moves_from_the_browser_are_coalesced():
    seen = []
    w = simple_explorer(seen)

    async def hold_the_arrow_key():
        for value in range(3, 13):  # what the comm handler does for each message of the front end
            w.controls["b"].set_state({"value": value})
        assert w.draws == 1, "no picture may be drawn while moves are still arriving"
        await asyncio.sleep(0)

    # In a thread of its own: another test (Playwright's sync API) may leave this one's loop running.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, hold_the_arrow_key()).result()
    assert seen == [(1.0, 2), (1.0, 12)] and w.draws == 2, "one picture, for the latest value"


def test_explorer_rejects_bad_figures_updates_and_controls():
    with pytest.raises(TypeError, match="update must change the figure in place"):
        Explorer({"a": ipywidgets.FloatSlider()}, Figure(), lambda a: Figure())
    with pytest.raises(TypeError, match="figure must be a matplotlib Figure"):
        Explorer({"a": ipywidgets.FloatSlider()}, None, lambda a: None)
    with pytest.raises(TypeError, match="has no value"):
        Explorer({"a": ipywidgets.Button()}, Figure(), lambda a: None)


def test_explorers_leave_no_pyplot_figures(explorers):
    assert plt.get_fignums() == []


# --- adaptive_explorer: its own fast runs, noise, a decaying rate and a turned valley --------

OPTIMIZERS = {"gd_lr": SGD, "momentum_lr": lambda lr: Momentum(lr, 0.9), "adagrad_lr": AdaGrad,
              "rmsprop_lr": RMSProp, "adam_lr": Adam}


def fast_run(method, problem="quadratic", lr=0.1, angle=0.0, sigma=0.0, schedule="constant", steps=40):
    grad, value, start, R = setting(problem, angle)
    rate = learning_rate(schedule, lr, steps)
    rates = [rate(k) for k in range(steps)] if callable(rate) else [rate] * steps
    return run_2d(method, rates, grad, value, start, sigma * noise_sequence(steps) @ R.T)


@pytest.mark.parametrize("method", list(METHODS))
@pytest.mark.parametrize("problem, lr, angle", [("quadratic", 0.2, 30.0), ("rosenbrock", 0.0005, 0.0)])
def test_the_explorers_runs_are_those_of_course_optim(method, problem, lr, angle):
    """Noisy gradients (the fixed sequence), a decaying rate, a turned valley: the same iterates
    as course.optim.run with the optimizer objects."""
    steps, sigma = 40, 0.5
    objective = rotated_valley(angle) if problem == "quadratic" else rosenbrock
    _, _, start, R = setting(problem, angle)
    noise = asarray(sigma * noise_sequence(steps) @ R.T)
    calls = []

    def noisy_gradient(theta):
        calls.append(None)
        return objective.grad(theta) + noise[len(calls) - 1]

    optimizer = OPTIMIZERS[method](learning_rate("linear decay", lr, steps))
    expected = run(optimizer, objective, asarray(start), steps, grad_fn=noisy_gradient)
    trajectory, _ = fast_run(method, problem, lr, angle, sigma, "linear decay", steps)
    assert trajectory.success and expected.success
    np.testing.assert_allclose(trajectory.iterates, expected.iterates, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(trajectory.losses, expected.losses, rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("method", ["gd_lr", "adagrad_lr", "rmsprop_lr", "adam_lr"])
def test_the_rates_shown_are_the_scaling_of_the_steps_taken(method):
    steps, sigma = 40, 0.3
    trajectory, rates = fast_run(method, "quadratic", 0.3, 20.0, sigma, "linear decay", steps)
    grad, _, _, R = setting("quadratic", 20.0)
    noise = sigma * noise_sequence(steps) @ R.T
    grads = np.array([grad(*theta) for theta in trajectory.iterates[:-1]]) + noise
    if method == "adam_lr":  # Adam scales the bias-corrected average ŝ, not g
        s, direction = np.zeros(2), np.empty_like(grads)
        for t, g in enumerate(grads, start=1):
            s = 0.9 * s + 0.1 * g
            direction[t - 1] = s / (1 - 0.9**t)
    else:
        direction = grads
    np.testing.assert_allclose(np.diff(trajectory.iterates, axis=0), -rates * direction, rtol=1e-9, atol=1e-14)
    if method == "gd_lr":
        np.testing.assert_allclose(rates[:, 0], [learning_rate("linear decay", 0.3, steps)(k) for k in range(steps)])


def test_gradient_descent_and_momentum_run_the_same_course_turned():
    for method, lr in (("gd_lr", 0.3), ("momentum_lr", 0.05)):
        flat, _ = fast_run(method, lr=lr, sigma=1.0, steps=100)
        for angle in (20.0, 45.0, 90.0):
            turned, _ = fast_run(method, lr=lr, angle=angle, sigma=1.0, steps=100)
            np.testing.assert_allclose(turned.losses, flat.losses, rtol=1e-9)
            np.testing.assert_allclose(turned.iterates, flat.iterates @ rotation(angle).T, rtol=1e-9, atol=1e-12)


def test_per_coordinate_rates_lose_their_grip_on_a_turned_valley():
    aligned, aligned_rates = fast_run("adagrad_lr", lr=3.0, steps=100)
    turned, turned_rates = fast_run("adagrad_lr", lr=3.0, angle=45.0, steps=100)
    plain, _ = fast_run("gd_lr", lr=0.3, angle=45.0, steps=100)
    assert aligned.losses[-1] < 1e-20 < 1e-8 < turned.losses[-1]
    assert turned.losses[-1] < 10 * plain.losses[-1], "turned by 45°, AdaGrad is no better than gradient descent"
    assert aligned_rates[-1, 0] / aligned_rates[-1, 1] > 3, "aligned: the flat θ₁ gets the larger rate"
    assert abs(turned_rates[-1, 0] / turned_rates[-1, 1] - 1) < 0.1, "at 45° both coordinates get the same rate"


def test_a_decaying_rate_lowers_the_noise_floor_that_a_constant_one_keeps():
    for method, lr in (("gd_lr", 0.3), ("adam_lr", 0.3)):
        constant, _ = fast_run(method, lr=lr, sigma=1.0, steps=500)
        decaying, _ = fast_run(method, lr=lr, sigma=1.0, schedule="linear decay", steps=500)
        assert decaying.losses[-100:].mean() < constant.losses[-100:].mean() / 10, method
    noiseless, _ = fast_run("gd_lr", lr=0.3, steps=500)
    assert noiseless.losses[-1] < 1e-20


def test_the_noise_is_one_fixed_sequence_and_the_new_controls_redraw():
    w = widgets.adaptive_explorer(problem="quadratic", gd_lr=0.3, steps=60)
    path = next(line for line in w.figure.axes[0].get_lines() if line.get_label() == "gradient descent")
    quiet = path.get_xydata().copy()
    for control, value in (("noise", 1.0), ("schedule", "linear decay"), ("angle", 45.0)):
        png = w.png
        w.controls[control].value = value
        assert w.png != png, f"moving {control} must change the picture"
    assert w.full_draws == 1, "the new controls only move animated artists"
    assert_shows_its_figure(w)
    expected, _ = fast_run("gd_lr", lr=0.3, angle=45.0, sigma=1.0, schedule="linear decay", steps=60)
    np.testing.assert_allclose(path.get_xydata(), expected.iterates)
    for control, value in (("noise", 0.0), ("schedule", "constant"), ("angle", 0.0)):
        w.controls[control].value = value
    np.testing.assert_array_equal(path.get_xydata(), quiet)
    assert "noise σ = 0" in w.figure.axes[1].get_title()


def test_the_angle_is_disabled_where_it_changes_nothing():
    w = widgets.adaptive_explorer(problem="quadratic", steps=20)
    assert not w.controls["angle"].disabled
    w.controls["problem"].value = "rosenbrock"
    assert w.controls["angle"].disabled
    before = [line.get_xydata().copy() for line in w.figure.axes[0].get_lines()]
    w.controls["angle"].value = 45.0
    after = [line.get_xydata() for line in w.figure.axes[0].get_lines()]
    assert all(np.array_equal(a, b) for a, b in zip(before, after))
    w.controls["problem"].value = "quadratic"
    assert not w.controls["angle"].disabled and "45°" in w.figure.axes[0].get_title()


def test_an_explorer_runs_headless_in_a_kernel(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("from course import widgets"),
        nbformat.v4.new_code_cell("w = widgets.momentum_explorer(); w"),
        nbformat.v4.new_code_cell('w.controls["alpha"].value = 0.5'),
        nbformat.v4.new_code_cell("print(w.draws)"),
    ]
    NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    (shown,) = nb.cells[1].outputs
    assert shown["output_type"] == "execute_result"
    assert WIDGET_VIEW in shown["data"]
    assert png_of(shown["data"]["image/png"]).startswith(PNG_MAGIC)
    assert nb.cells[2].outputs == []
    assert nb.cells[3].outputs[0]["text"].strip() == "2"
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    assert shown["data"][WIDGET_VIEW]["model_id"] in state


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_a_static_state_drawn_before_is_reused_and_looks_as_a_whole_drawing():
    """adaptive_explorer's problem toggle: each problem's contours are drawn once; coming
    back to a problem pastes its kept pixels, and the picture equals a whole drawing."""
    once = widgets.adaptive_explorer(steps=40, problem="rosenbrock")
    once.controls["adam_lr"].value = 0.05
    once.controls["problem"].value = "quadratic"  # drawn whole
    again = widgets.adaptive_explorer(steps=40, problem="rosenbrock")
    for problem in ("quadratic", "rosenbrock", "quadratic"):
        again.controls["problem"].value = problem
    again.controls["adam_lr"].value = 0.05
    assert (once.full_draws, again.full_draws) == (2, 2)
    np.testing.assert_array_equal(_pixels(again.png), _pixels(once.png))
    once.controls["problem"].value = "rosenbrock"
    again.controls["problem"].value = "rosenbrock"
    np.testing.assert_array_equal(_pixels(again.png), _pixels(once.png))
    assert again.full_draws == 2


def test_without_a_static_key_a_stale_figure_is_drawn_whole():
    fig = Figure(figsize=(2, 2))
    ax = fig.add_subplot()
    (line,) = ax.plot([0, 1], [0, 1], animated=True)
    slider = ipywidgets.FloatSlider(value=1.0, min=0.5, max=2.0)

    def update(scale: float) -> None:
        ax.set_ylim(0, scale)  # not animated: the figure goes stale

    w = Explorer({"scale": slider}, fig, update)
    for value in (2.0, 1.0, 2.0):
        slider.value = value
    assert w.full_draws == 4
