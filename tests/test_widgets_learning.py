"""Tests for the explorers of lecture 01 (course.widgets.learning): each builds once, every control
redraws only its moving parts, the pictures show the right numbers, and no NaN is drawn."""

from __future__ import annotations

import re

import numpy as np
import pytest

from course.challenges import early_stopping_step
from course.widgets import early_stopping_explorer, gradient_noise_explorer, shuffling_explorer
from course.widgets.learning import BATCH_SIZES, PATIENCES, PENALTIES

#: factory, and a new value for each control
MOVES = {
    "gradient_noise": (gradient_noise_explorer, {"batch_size": 64, "sampling": "sorted"}),
    "shuffling": (shuffling_explorer, {"lr": 0.1, "batch_size": 64}),
    "early_stopping": (early_stopping_explorer, {"patience": 30, "penalty": 0.1}),
}


def drawn_values(explorer) -> list[np.ndarray]:
    """The data of every line and the height of every bar of the explorer's figure."""
    values = []
    for ax in explorer.figure.axes:
        values += [np.asarray(line.get_xydata(), dtype=float) for line in ax.get_lines()]
        values += [np.array([patch.get_height() for patch in ax.patches], dtype=float)]
    return values


def line(explorer, label: str, axis: int | None = None) -> np.ndarray:
    """The data of the line labelled ``label`` (in the axes ``axis``, else in any)."""
    axes = explorer.figure.axes if axis is None else [explorer.figure.axes[axis]]
    found = [l for ax in axes for l in ax.get_lines() if l.get_label() == label]
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
    for values in drawn_values(explorer):
        assert not np.isnan(values).any(), "a NaN reached the plot"


def test_measured_standard_errors_follow_sigma_over_root_m():
    explorer = gradient_noise_explorer()
    predicted = line(explorer, r"$\sigma/\sqrt{m}$")
    random = line(explorer, "measured: random (shuffled)")
    sorted_ = line(explorer, "measured: consecutive rows of sorted data")
    np.testing.assert_array_equal(random[:, 0], BATCH_SIZES)
    np.testing.assert_allclose(random[:, 1], predicted[:, 1], rtol=0.15)
    assert np.all(sorted_[:, 1] > 0.8 * predicted[0, 1]), "sorted batches must not get less noisy with m"


def test_the_histogram_narrows_with_the_batch():
    explorer = gradient_noise_explorer()

    def width() -> float:
        ax = explorer.figure.axes[0]
        heights = np.array([p.get_height() for p in ax.patches])
        centres = np.array([p.get_x() + p.get_width() / 2 for p in ax.patches])
        mean = np.sum(heights * centres) / heights.sum()
        return float(np.sqrt(np.sum(heights * (centres - mean) ** 2) / heights.sum()))

    explorer.controls["batch_size"].value = 4
    wide = width()
    explorer.controls["batch_size"].value = 64
    assert width() < wide / 2.5  # σ/√m: 4 times narrower, less the binning


def test_shuffled_sgd_beats_sorted_sgd():
    explorer = shuffling_explorer()
    sorted_gap = line(explorer, "sorted by label", axis=0)[:, 1]
    shuffled_gap = line(explorer, "shuffled once", axis=0)[:, 1]
    assert np.mean(shuffled_gap[-64:]) < np.mean(sorted_gap[-64:]) / 2


@pytest.mark.parametrize("patience", [PATIENCES[0], 10, PATIENCES[-1]])
@pytest.mark.parametrize("penalty", list(PENALTIES.values()))
def test_early_stopping_marks_follow_the_rule(patience, penalty):
    explorer = early_stopping_explorer(patience=patience, penalty=penalty)
    val = line(explorer, "validation loss")[:, 1]
    best = int(line(explorer, "best step (kept)")[0, 0])
    stop = int(line(explorer, "training stops")[0, 0])
    assert early_stopping_step(list(val[:stop + 1]), patience) == (True, best)
    assert not any(early_stopping_step(list(val[:k + 1]), patience)[0] for k in range(stop))
    numbers = [int(n) for n in re.findall(r"epoch (\d+)", explorer.figure.axes[0].title.get_text())]
    assert numbers == [stop, best]
    assert val[best] == val[: stop + 1].min()
