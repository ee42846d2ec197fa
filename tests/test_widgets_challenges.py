"""Tests for the explorers of lecture 02 (course.widgets.challenges): each builds once, every control
redraws only its moving parts, the pictures show the right numbers, and no NaN is drawn."""

from __future__ import annotations

import re

import numpy as np
import pytest

from course.problems import saddle
from course.widgets import clipping_explorer, eigendecay_explorer, hessian_explorer, power_explorer
from course.widgets.challenges import ARROW, CURVATURES, DECAY_STEPS, POWER_STEPS, power_matrix

#: factory, and a new value for each control
MOVES = {
    "hessian": (hessian_explorer, {"w1": 0.5, "w2": -1.25}),
    "eigendecay": (eigendecay_explorer, {"lr": 1.5, "b": 0.02}),
    "clipping": (clipping_explorer, {"lr": 0.8, "max_norm": 0.1}),
    "power": (power_explorer, {"radius": 1.2, "kind": "complex"}),
}


def lines(explorer, axis: int) -> list[np.ndarray]:
    return [np.asarray(l.get_xydata(), dtype=float) for l in explorer.figure.axes[axis].get_lines()]


def labelled(explorer, axis: int, label: str) -> np.ndarray:
    found = [l for l in explorer.figure.axes[axis].get_lines() if l.get_label() == label]
    assert len(found) == 1, f"no single line labelled {label!r}"
    return np.asarray(found[0].get_xydata(), dtype=float)


@pytest.mark.parametrize("name", list(MOVES))
def test_every_control_redraws_only_the_moving_parts(name):
    factory, moves = MOVES[name]
    explorer = factory()
    assert explorer.draws == 1 and explorer.full_draws == 1
    for control, value in moves.items():
        before = explorer.png
        explorer.controls[control].value = value
        assert explorer.png != before, f"moving {control} did not change the picture"
    assert explorer.draws == 1 + len(moves)
    assert explorer.full_draws == 1, "a control move redrew the static parts"
    for axis in range(len(explorer.figure.axes)):
        for data in lines(explorer, axis):
            assert not np.isnan(data).any(), "a NaN reached the plot"


@pytest.mark.parametrize("w", [(0.0, 0.0), (0.5, 0.5), (1.0, -1.5), (2.0, 0.5), (-1.25, 0.75)])
def test_the_drawn_hessian_is_numpys(w):
    explorer = hessian_explorer(*w)
    H = np.asarray(saddle.hessian(np.array(w)))
    lam, U = np.linalg.eigh(H)
    shown = [float(v) for v in re.findall(r"λ[₁₂] = (-?\d+\.\d+)", explorer.figure.axes[0].title.get_text())]
    np.testing.assert_allclose(shown, lam, atol=1e-3)
    segments = [np.asarray(l.get_xydata(), dtype=float) for l in explorer.figure.axes[0].get_lines()
                if l.get_animated() and l.get_linewidth() == 3]
    assert len(segments) == 2
    for segment, u in zip(segments, U.T):
        direction = (segment[1] - segment[0]) / (2 * ARROW)
        np.testing.assert_allclose(abs(direction @ u), 1.0, atol=1e-9)
        np.testing.assert_allclose(segment.mean(axis=0), w, atol=1e-12)


@pytest.mark.parametrize("lr", [0.05, 0.5, 1.5, 2.5])
@pytest.mark.parametrize("b", list(CURVATURES.values()))
def test_eigendecay_draws_the_factors_and_the_taylor_change(lr, b):
    explorer = eigendecay_explorer(lr=lr, b=b)
    tau = np.arange(DECAY_STEPS + 1)
    for label, lam in (("steep: λ = 1", 1.0), ("flat: λ = b", b)):
        np.testing.assert_allclose(labelled(explorer, 0, label)[:, 1], np.clip((1 - lr * lam) ** tau, -10, 10))
    g, H = np.array([1.0, b]), np.diag([1.0, b])
    change = -lr * g @ g + 0.5 * lr**2 * g @ H @ g
    np.testing.assert_allclose(labelled(explorer, 1, r"chosen $\varepsilon$")[0], [lr, change])
    rises = "INCREASES" in explorer.figure.axes[1].title.get_text()
    assert rises == (change > 0)


@pytest.mark.parametrize("lr, max_norm", [(0.5, 1.0), (1.0, 0.1), (0.3, 10.0)])
def test_clipped_steps_are_at_most_lr_times_the_threshold(lr, max_norm):
    explorer = clipping_explorer(lr=lr, max_norm=max_norm)
    clipped = labelled(explorer, 0, "clipped")[:, 0]
    assert np.max(np.abs(np.diff(clipped))) <= lr * max_norm + 1e-12


def test_the_unclipped_run_is_flung_off_the_cliff():
    explorer = clipping_explorer(lr=0.5, max_norm=1.0)
    assert np.max(np.abs(np.diff(labelled(explorer, 0, "no clipping")[:, 0]))) > 10


@pytest.mark.parametrize("radius", [0.5, 0.9, 1.0, 1.2])
@pytest.mark.parametrize("kind", ["real", "complex"])
def test_power_norms_are_numpys(radius, kind):
    explorer = power_explorer(radius=radius, kind=kind)
    W, v = power_matrix(radius, kind), np.array([1.0, 1.0])
    expected = [np.linalg.norm(np.linalg.matrix_power(W, t) @ v) for t in range(POWER_STEPS + 1)]
    drawn = labelled(explorer, 1, r"$\|W^t v\|$")[:, 1]
    np.testing.assert_allclose(drawn, np.clip(expected, 1e-12, 1e12), rtol=1e-9)  # clipped to stay finite on log axes
    np.testing.assert_allclose(np.max(np.abs(np.linalg.eigvals(W))), radius)
