"""Curriculum learning: easy examples first, on a task whose difficulty is the margin (lecture 09).

Curriculum learning (Bengio et al. 2009) is a continuation method over the *examples*:
train first on easy ones, then let in harder ones, so that the first objectives are
the easy ones of a sequence J⁽⁰⁾, …, J⁽ⁿ⁾ = J. Here, as in the common "pacing function"
form of it, step k draws its minibatch uniformly from the easiest fraction

    p(k) = min(1, p₀ + (1 − p₀) k / K_ramp)

of the training set (a stochastic curriculum: from p₀ = 20 % of the easiest examples
the share of hard ones grows until, after K_ramp steps, every example is in play). The
anti-curriculum ("hard first") draws from the hardest fraction instead; the baseline
draws from all examples at every step.

:func:`margin_task`
    points in the square [−1, 1]² labelled by the side of the curve x₂ = ½ sin 3x₁;
    an example's difficulty is its margin, its distance to that curve (small = hard),
    with optional label noise that strikes near the curve.
:func:`pacing`
    p(k) above.
:func:`curriculum_experiment`
    every ordering, several ramps and several seeds trained at once (one batched run,
    :func:`course.strategies.networks.fit`), with the test loss and accuracy recorded.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from course import validation as check
from course.backend import get_namespace
from course.strategies.networks import evaluate, fit, seeded_mlp

__all__ = ["ORDERS", "Curriculum", "curriculum_experiment", "curriculum_rows", "margin_task", "pacing"]

#: The orderings of the training examples, in the order of the results.
ORDERS = ("random", "easy first", "hard first")

#: The class boundary x₂ = AMPLITUDE · sin(FREQUENCY · x₁).
AMPLITUDE, FREQUENCY = 0.5, 3.0


def margin_task(n: int, seed: int = 0, noise: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A two-class problem in the plane whose examples have a difficulty: their margin.

    x ~ U([−1, 1]²), f(x) = x₂ − ½ sin 3x₁, label y = 1[f(x) > 0]; the margin is the
    distance to the boundary f = 0 to first order, |f(x)| / ‖∇f(x)‖ =
    |f(x)| / √(1 + (1.5 cos 3x₁)²). With ``noise`` = τ > 0, each label is flipped
    with probability ½ e^{−margin/τ}: near the boundary a label is a coin toss.

    Parameters
    ----------
    n : int
        Number of examples, ≥ 1.
    seed : int
    noise : float
        τ ≥ 0 (0: no label noise).

    Returns
    -------
    X : numpy.ndarray, shape (n, 2), float64
    y : numpy.ndarray, shape (n,), int64
    margin : numpy.ndarray, shape (n,), float64
    """
    n = check.integer("n", n, 1)
    noise = check.non_negative("noise", noise)
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, (n, 2))
    f = X[:, 1] - AMPLITUDE * np.sin(FREQUENCY * X[:, 0])
    margin = np.abs(f) / np.sqrt(1.0 + (AMPLITUDE * FREQUENCY * np.cos(FREQUENCY * X[:, 0])) ** 2)
    y = (f > 0).astype(np.int64)
    if noise > 0:
        flip = rng.random(n) < 0.5 * np.exp(-margin / noise)
        y = np.where(flip, 1 - y, y)
    return X, y, margin


def pacing(k: int, ramp: int, start: float) -> float:
    """The share of the training set in play at step k: min(1, p₀ + (1 − p₀) k / K_ramp).

    ``ramp`` = K_ramp ≥ 0 steps (0: everything from the start); ``start`` = p₀ in (0, 1].
    """
    k, ramp = check.integer("k", k, 0), check.integer("ramp", ramp, 0)
    start = check.positive("start", start)
    if start > 1:
        raise ValueError(f"start must lie in (0, 1], got {start}")
    return 1.0 if ramp == 0 else min(1.0, start + (1.0 - start) * k / ramp)


def curriculum_rows(order: str, easiest: np.ndarray, draws: np.ndarray, k: int, ramp: int,
                    start: float) -> np.ndarray:
    """The training rows of a minibatch at step k, drawn uniformly (with replacement) from
    the examples that ``order`` has in play.

    Parameters
    ----------
    order : {"random", "easy first", "hard first"}
        All examples; the easiest fraction :func:`pacing` (k, ramp, start); or the hardest.
    easiest : numpy.ndarray, shape (N,)
        The row indices of the training set from the easiest to the hardest.
    draws : numpy.ndarray
        Uniform numbers in [0, 1), one per row to pick (any shape).
    k, ramp : int
    start : float

    Returns
    -------
    numpy.ndarray
        Row indices, shaped like ``draws``.
    """
    if order not in ORDERS:
        raise ValueError(f"order must be one of {', '.join(map(repr, ORDERS))}, got {order!r}")
    n = len(easiest)
    pool = n if order == "random" else max(1, math.ceil(pacing(k, ramp, start) * n))
    ranks = np.minimum((np.asarray(draws) * pool).astype(np.int64), pool - 1)
    return easiest[n - 1 - ranks] if order == "hard first" else easiest[ranks]


@dataclass(frozen=True)
class Curriculum:
    """The result of :func:`curriculum_experiment`: curves at the steps ``steps``.

    ``test_loss``, ``test_accuracy`` and ``hard_accuracy`` (accuracy on the test examples
    of the smallest third of margins) map (order, ramp) to an array of shape
    (len(steps), seeds); the random order does not depend on the ramp and is stored
    under (``"random"``, every ramp) alike. ``ramps`` are the K_ramp in steps.
    """

    steps: np.ndarray
    ramps: tuple[int, ...]
    test_loss: dict[tuple[str, int], np.ndarray]
    test_accuracy: dict[tuple[str, int], np.ndarray]
    hard_accuracy: dict[tuple[str, int], np.ndarray]


def curriculum_experiment(
    ramps: Sequence[int],
    seeds: int = 8,
    steps: int = 300,
    *,
    noise: float = 0.0,
    n_train: int = 400,
    n_test: int = 1000,
    batch: int = 16,
    lr: float = 0.05,
    hidden: Sequence[int] = (16, 16),
    start: float = 0.2,
    every: int = 10,
    stream: int = 0,
    xp: Any = None,
) -> Curriculum:
    """Random order, easy first and hard first, for every ramp and seed, in one batched run.

    The models are MLPs ``(2, *hidden, 2)`` (ReLU, the course's fan-in initialization),
    one per (order, ramp, seed) and the random order once per seed; model (order, ramp, s)
    starts from the weights of seed s, whatever the order, and is trained by momentum SGD
    (ε = ``lr``, α = 0.9) on minibatches of ``batch`` examples of
    ``margin_task(n_train, seed=0, noise=noise)``, drawn with replacement from all of them
    (random order) or from the easiest (hardest) fraction :func:`pacing` (k, ramp, start).
    Every ``every`` steps each model is evaluated on ``margin_task(n_test, seed=1)``
    (noise-free labels).

    Parameters
    ----------
    ramps : sequence of int
        The K_ramp to try, in steps.
    seeds : int
        Number of initializations (and minibatch streams) per setting.
    steps : int
        Training steps.
    noise : float
        Label noise τ of the training set (see :func:`margin_task`).
    n_train, n_test, batch : int
    lr : float
    hidden : sequence of int
    start : float
        p₀, the share of the easiest (hardest) examples at step 0.
    every : int
        Steps between evaluations.
    stream : int
        Seed of the minibatches. At each step, the models of seed s draw the same uniform
        numbers u in every setting, mapped to rows by :func:`curriculum_rows` (common random
        numbers: the settings differ only in the order).
    xp : module, optional
        Array module (default: the course backend).
    """
    ramps = tuple(check.integer(f"ramps[{i}]", r, 0) for i, r in enumerate(ramps))
    if not ramps:
        raise ValueError("ramps is empty: give at least one ramp length")
    seeds, steps = check.integer("seeds", seeds, 1), check.integer("steps", steps, 1)
    n_train, batch = check.integer("n_train", n_train, 2), check.integer("batch", batch, 1)
    every = check.integer("every", every, 1)
    pacing(0, 0, start)  # checks start
    X, y, margin = margin_task(n_train, 0, noise)
    X_test, y_test, margin_test = margin_task(n_test, 1)
    hard = margin_test <= np.quantile(margin_test, 1 / 3)
    easiest = np.argsort(-margin, kind="stable")  # easiest (largest margin) first
    settings = [("random", None)] + [(order, r) for order in ORDERS[1:] for r in ramps]
    namespace = get_namespace() if xp is None else get_namespace(xp.zeros(0))
    convert = lambda a, dtype: namespace.asarray(a, dtype=dtype)  # noqa: E731
    X_, y_ = convert(X, namespace.float64), convert(y, namespace.int64)
    X_test_, y_test_ = convert(X_test, namespace.float64), convert(y_test, namespace.int64)
    model = seeded_mlp((2, *hidden, 2), [s for _ in settings for s in range(seeds)], xp=namespace)
    rng = np.random.default_rng(stream)

    def sample(k: int) -> np.ndarray:
        draws = rng.random((seeds, batch))  # common random numbers: seed s draws the same u in every setting
        return np.concatenate([curriculum_rows(order, easiest, draws, k, ramp or 0, start) for order, ramp in settings])

    recorded: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def record(k: int) -> None:
        if k % every == 0 or k == steps:
            recorded.append(evaluate(model, X_test_, y_test_, hard))

    fit(model, X_, y_, sample, steps, lr, record=record)
    at = np.array(sorted({*range(0, steps, every), steps}))
    curves = [np.stack([r[i] for r in recorded]).reshape(len(at), len(settings), seeds) for i in range(3)]
    tables: list[dict[tuple[str, int], np.ndarray]] = [{}, {}, {}]
    for j, (order, ramp) in enumerate(settings):
        for table, curve in zip(tables, curves):
            for r in (ramps if order == "random" else (ramp,)):
                table[order, r] = curve[:, j, :]
    return Curriculum(at, ramps, *tables)
