"""Tests for the explorers of lecture 02 (course.widgets.challenges): each builds once, every control
redraws only its moving parts, the pictures show the right numbers, and no NaN is drawn."""

from __future__ import annotations

import re

import numpy as np
import pytest

from course.problems import saddle
from course.challenges import saddle_descent
from course.widgets import (
    clipping_explorer, eigendecay_explorer, hessian_explorer, power_explorer, saddle_escape_explorer,
)
from course.widgets.challenges import (
    ARROW, CURVATURES, DECAY_STEPS, ESCAPE_START, ESCAPE_STEPS, LAYER_BASES, NEAR, POWER_STEPS, layer_matrices,
    power_matrix,
)

#: factory, and a new value for each control
MOVES = {
    "hessian": (hessian_explorer, {"w1": 0.5, "w2": -1.25}),
    "eigendecay": (eigendecay_explorer, {"lr": 1.5, "b": 0.02}),
    "clipping": (clipping_explorer, {"lr": 0.8, "max_norm": 0.1}),
    "power": (power_explorer, {"radius": 1.2, "kind": "complex", "product": "different"}),
    "saddle_escape": (saddle_escape_explorer, {"offset": 1e-6, "noise": 1e-4, "lr": 0.2}),
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
    drawn = labelled(explorer, 1, r"$\|W_t \cdots W_1 v\|$")[:, 1]
    np.testing.assert_allclose(drawn, np.clip(expected, 1e-12, 1e12), rtol=1e-9)  # clipped to stay finite on log axes
    np.testing.assert_allclose(np.max(np.abs(np.linalg.eigvals(W))), radius)


def test_layer_matrices_share_the_eigenvalues_and_not_the_eigenvectors():
    same, different = layer_matrices(0.9, "complex", "same"), layer_matrices(0.9, "complex", "different")
    assert len(same) == len(different) == POWER_STEPS == len(LAYER_BASES)
    assert all(W is same[0] for W in same)
    for W in different:
        np.testing.assert_allclose(np.max(np.abs(np.linalg.eigvals(W))), 0.9)
    assert not np.allclose(different[0], different[1])


@pytest.mark.parametrize("kind", ["real", "complex"])
@pytest.mark.parametrize("radius", [0.7, 0.9, 1.1])
def test_a_product_of_different_matrices_is_drawn_under_its_norm_bound(kind, radius):
    explorer = power_explorer(radius=radius, kind=kind, product="different")
    Ws, v = layer_matrices(radius, kind, "different"), np.array([1.0, 1.0])
    product, expected = v, [np.linalg.norm(v)]
    for W in Ws:
        product = W @ product
        expected.append(np.linalg.norm(product))
    drawn = labelled(explorer, 1, r"$\|W_t \cdots W_1 v\|$")[:, 1]
    np.testing.assert_allclose(drawn, np.clip(expected, 1e-12, 1e12), rtol=1e-9)
    bound = labelled(explorer, 1, r"$\|W_t\| \cdots \|W_1\|\,\|v\|$ (a bound)")[:, 1]
    assert np.all(drawn <= bound * (1 + 1e-9))


def test_a_spectral_radius_below_one_does_not_keep_a_product_of_different_matrices_small():
    explorer = power_explorer(radius=0.9, kind="complex", product="different")
    drawn = labelled(explorer, 1, r"$\|W_t \cdots W_1 v\|$")[:, 1]
    assert drawn[-1] > 10 * drawn[0]  # grows, although every factor has ρ = 0.9
    assert "W_l differ" in explorer.figure.axes[1].title.get_text()


def test_gradient_descent_from_the_anti_diagonal_converges_to_the_saddle():
    path = np.asarray(saddle_descent(ESCAPE_START, 0.1, ESCAPE_STEPS))
    np.testing.assert_allclose(path[:, 0], -path[:, 1], rtol=0, atol=0)  # never leaves w₁ = −w₂
    assert np.linalg.norm(path[-1]) < 1e-20
    explorer = saddle_escape_explorer(offset=0.0, noise=0.0, lr=0.1)
    assert "still at the saddle" in explorer.figure.axes[1].title.get_text()
    np.testing.assert_allclose(labelled(explorer, 0, "gradient descent"), path)


def near_steps(explorer) -> int:
    return int(re.search(r"(\d+) steps within", explorer.figure.axes[1].title.get_text()).group(1))


def test_the_time_near_the_saddle_grows_like_log_one_over_delta():
    explorer = saddle_escape_explorer(offset=1e-3)
    counts = []
    for offset in (1e-3, 1e-6, 1e-9, 1e-12):
        explorer.controls["offset"].value = offset
        counts.append(near_steps(explorer))
        path = labelled(explorer, 0, "gradient descent")
        assert abs(path[-1, 0] * path[-1, 1] - 1) < 1e-6  # escaped to the minima w₁w₂ = 1
    per_factor_1000 = np.diff(counts)
    np.testing.assert_allclose(per_factor_1000, np.log(1000) / np.log(1.2), atol=1.5)
    near = labelled(explorer, 1, f"within {NEAR} of the saddle")
    assert len(near) == counts[-1]
    assert np.all(np.abs(near[:, 1] - 1) < 0.05)  # the plateau at L = 1


@pytest.mark.parametrize("noise", [1e-8, 1e-4, 1e-2])
def test_gradient_noise_gets_gradient_descent_off_the_stable_manifold(noise):
    explorer = saddle_escape_explorer(offset=0.0, noise=noise)
    assert "then escapes" in explorer.figure.axes[1].title.get_text()
    path = labelled(explorer, 0, "gradient descent")
    assert (1 - path[-1, 0] * path[-1, 1]) ** 2 < 1e-4


def test_a_larger_rate_escapes_faster():
    counts = [near_steps(saddle_escape_explorer(offset=1e-9, lr=lr)) for lr in (0.05, 0.1, 0.2)]
    assert counts[0] > counts[1] > counts[2]
