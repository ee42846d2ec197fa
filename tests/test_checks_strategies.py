"""The checks of lecture 09 (course.checks.strategies): the gradient they hand to
``continuation`` is right, right answers pass for other seeds, wrong ones fail hidden
tests without showing inputs, and a malformed ``ends`` is explained."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from course.checks import CheckFailed, check_continuation, check_convexity_sigma, check_residual_backward
from course.checks.common import HIDDEN_NOTE
from course.checks.strategies import BlurredGradient
from course.strategies.smoothing import SmoothedObjective

TESTS = Path(__file__).parent
CHECKS = {"continuation": check_continuation, "convexity_sigma": check_convexity_sigma,
          "residual_backward": check_residual_backward}


def files(kind: str) -> list:
    return [pytest.param(f, p, id=f"{f}/{p.stem}") for f in CHECKS for p in sorted((TESTS / kind / f).glob("*.py"))]


MUTANTS, VARIANTS = files("mutants"), files("variants")


def load(path: Path, name: str):
    namespace = {"__name__": "__main__"}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    return namespace[name]


def test_the_checks_gradient_is_that_of_the_blurred_landscape():
    grad = BlurredGradient(0.6, np.array([0.5, 0.9]), np.array([[1.5, -2.0], [0.0, 3.0]]), np.array([0.2, -0.7]))
    J = SmoothedObjective(2, 0.6, amplitudes=(0.5, 0.9), frequencies=((1.5, -2.0), (0.0, 3.0)), phases=(0.2, -0.7))
    theta = np.array([0.3, -1.1])
    for sigma in (0.0, 0.4, 1.3):
        np.testing.assert_allclose(grad(theta, sigma), J.grad(theta, sigma), rtol=1e-14)
    assert grad(theta.astype(np.float32), 0.4).dtype == np.float32
    assert repr(grad) == "∇J_σ of J(θ) = 0.6/2·‖θ‖² − 0.5·cos((1.5, -2)·θ + 0.2) − 0.9·cos((0, 3)·θ − 0.7)"
    with pytest.raises(ValueError, match="a number sigma ≥ 0"):
        grad(theta, -1.0)


@pytest.mark.parametrize("function, path", VARIANTS)
@pytest.mark.parametrize("seed", [1, 2024])
def test_right_answers_pass_for_other_seeds(function, path, seed):
    CHECKS[function](load(path, function), seed=seed, reveal=False)


@pytest.mark.parametrize("function, path", MUTANTS)
def test_hidden_failures_show_no_inputs(function, path):
    with pytest.raises(CheckFailed) as failure:
        CHECKS[function](load(path, function), seed=77, reveal=False)
    message = str(failure.value).replace(HIDDEN_NOTE, "")
    assert "Example:" not in message and "expected " not in message
    assert not re.search(r"=\s*-?\d+\.\d+", message), "no input values in a hidden test's message"


def good_steps(grad, x0, sigmas, lr, steps):
    x, ends = x0, []
    for sigma in sigmas:
        for _ in range(steps):
            x = x - lr * grad(x, sigma)
        ends.append(x)
    return x, ends


@pytest.mark.parametrize("ends, message", [
    (lambda ends: None, "must return ends as a list of arrays"),
    (lambda ends: ends[:-1], "returned 3 ends for 4 levels"),
    (lambda ends: [e.astype(np.float32) for e in ends], "dtype float64"),
    (lambda ends: [list(e) for e in ends], "ends[0] must be an array"),
])
def test_a_malformed_ends_is_explained(ends, message):
    def continuation(grad, x0, sigmas, lr, steps):
        x, found = good_steps(grad, x0, sigmas, lr, steps)
        return x, ends(found)

    with pytest.raises(CheckFailed, match=re.escape(message)):
        check_continuation(continuation)


def test_grad_called_with_one_argument_gets_a_hint():
    def continuation(grad, x0, sigmas, lr, steps):
        x = x0
        for _ in sigmas:
            x = x - lr * grad(x)
        return x, [x]

    with pytest.raises(CheckFailed, match=r"grad takes two arguments: grad\(theta, sigma\)"):
        check_continuation(continuation)


def test_the_solution_passes_and_an_unfinished_one_raises_not_implemented():
    check_continuation(good_steps)

    def unfinished(grad, x0, sigmas, lr, steps):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        check_continuation(unfinished)
