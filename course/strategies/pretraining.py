"""Supervised pretraining: greedy layer-wise, and from a related task (lecture 09).

Pretraining trains a simpler model, or the same model on a simpler or related task,
and uses the result to initialize the model we want (book §8.7.4).

:func:`greedy_pretraining`
    a deep MLP on the spirals built one hidden layer at a time: stage l trains the
    network with hidden layers 1..l and a new output layer, either the new layer and
    the output layer alone (the others frozen) or every layer; then the whole network
    is fine-tuned. Compared with training all layers at once from the same initial
    weights, for the same number of steps.
:func:`transfer`
    small data sets of rotated spirals (task B, a few points per class), trained from
    random weights, from the hidden layers of networks trained on plenty of ordinary
    spirals (a related task A), and from those of networks trained on Gaussian blobs (an
    unrelated task), each with a new output layer.

Every setting is trained for several seeds at once (:func:`course.strategies.networks.fit`,
momentum SGD), and the curves record the loss on the whole training set and the
accuracy on a test set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from course import validation as check
from course.backend import get_namespace
from course.data import blobs, spirals
from course.nn import Linear, ReLU, Sequential
from course.strategies.networks import generators, evaluate, fit, seeded_linear

__all__ = ["BLOB_CENTERS", "GREEDY", "TRANSFER", "Curves", "greedy_pretraining", "rotated", "transfer"]

#: The settings of :func:`greedy_pretraining` and :func:`transfer`, in the order of their curves.
GREEDY = ("all layers at once", "greedy: new layer only", "greedy: all layers")
TRANSFER = ("from scratch", "from the related task", "from an unrelated task")

#: Classes of the spirals.
CLASSES = 3


@dataclass(frozen=True)
class Curves:
    """Training curves of several settings over seeds.

    ``steps`` (T,) are the steps at which the curves were taken; ``train_loss`` and
    ``test_accuracy`` map each setting to an array (T, seeds); ``marks`` are steps worth
    a vertical line (the ends of the greedy stages).
    """

    steps: np.ndarray
    train_loss: dict[str, np.ndarray]
    test_accuracy: dict[str, np.ndarray]
    marks: tuple[int, ...] = ()


def _namespace(xp: Any) -> Any:
    return get_namespace() if xp is None else get_namespace(xp.zeros(0))


def _data(xp: Any, X: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
    return xp.asarray(X, dtype=xp.float64), xp.asarray(y, dtype=xp.int64)


def _copy(layer: Linear, tiles: int = 1) -> Linear:
    """A new Linear layer with a copy of ``layer``'s K models' parameters, repeated ``tiles``
    times along the model axis (K · tiles models)."""
    xp = layer.xp
    new = Linear(layer.W.shape[-2], layer.W.shape[-1], models=layer.W.shape[0], xp=xp,
                 init=lambda shape, rng: np.zeros(shape))
    W, b = xp.concat([layer.W] * tiles), xp.concat([layer.b] * tiles)
    new.W, new.b = xp.asarray(W, copy=True), xp.asarray(b, copy=True)
    return new


def _chain(hidden: list[Linear], head: Linear, n_in: int, models: int) -> Sequential:
    return Sequential([x for layer in hidden for x in (layer, ReLU())] + [head], n_in, models)


def greedy_pretraining(
    depth: int = 4,
    seeds: int = 5,
    *,
    stage_steps: int = 75,
    finetune_steps: int = 100,
    width: int = 32,
    lr: float = 0.05,
    finetune_lr: float = 0.01,
    batch: int = 32,
    every: int = 25,
    xp: Any = None,
) -> Curves:
    """Greedy supervised layer-wise pretraining against training all layers at once.

    Per seed s, the weights W₁, …, W_L of ``depth`` hidden ReLU layers of ``width`` units
    and output layers O₁, …, O_L are drawn once (:func:`course.init.uniform_fan_in`).

    * all layers at once: the network W₁ … W_L O_L trained for
      T = depth · stage_steps + finetune_steps steps;
    * greedy: for l = 1, …, L the network W₁ … W_l O_l is trained for ``stage_steps``
      steps, either only W_l and O_l (the lower layers frozen: "new layer only") or every
      layer ("all layers"); then W₁ … W_L O_L is fine-tuned, every layer, for
      ``finetune_steps`` steps with the smaller rate ``finetune_lr`` (at ``lr`` the
      stacked network, whose layers were trained for shallower nets, can be thrown off
      its minimum). Same T steps, same initial weights.

    Momentum SGD (ε = ``lr``, α = 0.9) on minibatches of ``batch`` of the 300 points of
    ``spirals(100, 3)``, the same minibatch at step k for every network; the test set is
    ``spirals(100, 3, seed=1)``.

    Returns
    -------
    Curves
        For each setting of :data:`GREEDY`, every ``every`` steps; marks at the ends of
        the stages.
    """
    depth, seeds = check.integer("depth", depth, 1), check.integer("seeds", seeds, 1)
    stage_steps, finetune_steps = check.integer("stage_steps", stage_steps, 1), check.integer(
        "finetune_steps", finetune_steps, 1)
    width, batch, every = check.integer("width", width, 1), check.integer("batch", batch, 1), check.integer(
        "every", every, 1)
    lr, finetune_lr = check.positive("lr", lr), check.positive("finetune_lr", finetune_lr)
    xp = _namespace(xp)
    X, y = _data(xp, *spirals(100, CLASSES, seed=0))
    X_test, y_test = _data(xp, *spirals(100, CLASSES, seed=1))
    n = X.shape[0]
    rngs = generators(range(seeds))
    hidden = [seeded_linear(2 if i == 0 else width, width, rngs, xp=xp) for i in range(depth)]
    heads = [seeded_linear(width, CLASSES, rngs, xp=xp) for _ in range(depth)]
    total = depth * stage_steps + finetune_steps
    at = np.array(sorted({*range(0, total, every), total}))
    batches = np.random.default_rng(0).integers(0, n, (total, batch))  # step k: the same rows for every model

    def run(model: Sequential, done: int, steps: int, sink: list, rate: float = lr, **options: Any) -> None:
        """Train ``model`` for ``steps`` steps, the steps ``done``, …; record at the steps of ``at``."""

        def record(k: int) -> None:
            if done + k in at and (k < steps or done + k == total):
                sink.append((evaluate(model, X, y)[0], evaluate(model, X_test, y_test)[1]))

        fit(model, X, y, lambda k: np.broadcast_to(batches[done + k], (model.models, batch)), steps, rate,
            record=record, **options)

    # all at once: seeds models
    joint: list = []
    run(_chain([_copy(h) for h in hidden], _copy(heads[-1]), 2, seeds), 0, total, joint)
    # greedy: two variants side by side, models [new layer only] * seeds + [all layers] * seeds
    greedy: list = []
    stack = [_copy(h, 2) for h in hidden]
    only_new = np.repeat([True, False], seeds)
    for level in range(depth):
        model = _chain(stack[:level + 1], _copy(heads[level], 2), 2, 2 * seeds)
        frozen = {i: only_new for i in range(level)}  # the lower hidden layers, in the variant "new layer only"
        run(model, level * stage_steps, stage_steps, greedy,
            layers=[*stack[:level + 1], model.layers[-1]], frozen=frozen)
    run(model, depth * stage_steps, finetune_steps, greedy, finetune_lr)

    curves: list[dict[str, np.ndarray]] = [{}, {}]
    for i in range(2):
        curves[i][GREEDY[0]] = np.stack([r[i] for r in joint])
        both = np.stack([r[i] for r in greedy])
        curves[i][GREEDY[1]], curves[i][GREEDY[2]] = both[:, :seeds], both[:, seeds:]
    marks = tuple(stage_steps * (level + 1) for level in range(depth))
    return Curves(at, *curves, marks=marks)


def rotated(X: np.ndarray, degrees: float = 30.0) -> np.ndarray:
    """The rows of X (points of the plane) rotated by ``degrees`` counterclockwise."""
    t = np.deg2rad(degrees)
    return X @ np.array([[np.cos(t), np.sin(t)], [-np.sin(t), np.cos(t)]])


#: Centres of the unrelated task's three Gaussian blobs.
BLOB_CENTERS = ((-0.5, -0.3), (0.5, -0.3), (0.0, 0.5))


def transfer(
    seeds: int = 5,
    *,
    sizes: Sequence[int] = (5, 10, 20, 40),
    rotation: float = 30.0,
    depth: int = 3,
    width: int = 32,
    pretrain_steps: int = 500,
    steps: int = 400,
    lr: float = 0.05,
    batch: int = 16,
    every: int = 20,
    xp: Any = None,
) -> dict[int, Curves]:
    """Initializing from a network trained on a related task, on an unrelated one, or not at all.

    Task B, for each n of ``sizes``: n points per class of ``spirals(n, 3, seed=2)`` rotated
    by ``rotation`` degrees (a small data set); its test set: ``spirals(100, 3, seed=3)``,
    rotated alike. Related task A: ``spirals(100, 3, seed=0)``, not rotated. Unrelated
    task: three Gaussian blobs (:data:`BLOB_CENTERS`, std 0.2, 300 points).

    Networks of ``depth`` hidden ReLU layers of ``width`` units (seed s) are first trained
    on A, and on the unrelated task, for ``pretrain_steps`` steps; then, for each size of
    task B, three networks per seed are trained for ``steps`` steps: from the initial
    weights of seed s (from scratch), and from the hidden layers trained on A or on the
    unrelated task, each with the same new output layer. Momentum SGD (ε = ``lr``,
    α = 0.9), minibatches of ``batch`` drawn with replacement; every network of one stage
    trains in one batched run.

    Returns
    -------
    dict
        n -> :class:`Curves`: for each setting of :data:`TRANSFER`, the loss on B's training
        set and the accuracy on B's test set, every ``every`` steps of the training on B.
    """
    seeds, depth = check.integer("seeds", seeds, 1), check.integer("depth", depth, 1)
    sizes = tuple(check.integer(f"sizes[{i}]", n, 1) for i, n in enumerate(sizes))
    if not sizes:
        raise ValueError("sizes is empty: give at least one number of points per class")
    width = check.integer("width", width, 1)
    pretrain_steps, steps = check.integer("pretrain_steps", pretrain_steps, 0), check.integer("steps", steps, 1)
    batch, every = check.integer("batch", batch, 1), check.integer("every", every, 1)
    rotation = check._real("rotation", rotation)
    xp = _namespace(xp)
    XA, yA = spirals(100, CLASSES, seed=0)
    XU, yU = blobs(3 * 100, BLOB_CENTERS, std=0.2, seed=0)
    XT, yT = spirals(100, CLASSES, seed=3)
    tasks = [spirals(n, CLASSES, seed=2) for n in sizes]

    def network(models: int) -> tuple[list[Linear], Linear]:
        rngs = generators(list(range(seeds)) * models)
        return [seeded_linear(2 if i == 0 else width, width, rngs, xp=xp) for i in range(depth)], \
            seeded_linear(width, CLASSES, rngs, xp=xp)

    # pretraining: models [task A] * seeds + [unrelated] * seeds, on the two data sets stacked
    hidden, head = network(2)
    X_pre, y_pre = _data(xp, np.concatenate([XA, XU]), np.concatenate([yA, yU]))
    offset = np.repeat([0, len(yA)], seeds)[:, None]
    stream = np.random.default_rng(0)
    fit(_chain(hidden, head, 2, 2 * seeds), X_pre, y_pre,
        lambda k: offset + stream.integers(0, len(yA), (2 * seeds, batch)), pretrain_steps, lr)

    # task B: per size, [scratch] * seeds + [from A] * seeds + [from unrelated] * seeds; one new head per seed
    scratch, _ = network(1)
    start = [_copy(h) for h in scratch]
    for s, pretrained in zip(start, hidden):
        W, b = xp.concat([s.W, pretrained.W]), xp.concat([s.b, pretrained.b])
        s.W, s.b = xp.concat([W] * len(sizes)), xp.concat([b] * len(sizes))
    _, new_head = network(3 * len(sizes))
    model = _chain(start, new_head, 2, 3 * seeds * len(sizes))
    block = 3 * seeds  # the models of one size
    rows = np.array([len(y) for _, y in tasks])
    first = np.concatenate([[0], np.cumsum(rows)[:-1]])
    X, y = _data(xp, rotated(np.concatenate([X for X, _ in tasks]), rotation), np.concatenate([y for _, y in tasks]))
    own = [_data(xp, rotated(X_n, rotation), y_n) for X_n, y_n in tasks]
    X_test, y_test = _data(xp, rotated(XT, rotation), yT)
    recorded: list = []

    def record(k: int) -> None:
        if k % every == 0 or k == steps:
            train = np.concatenate([evaluate(model, *own[i])[0][i * block:(i + 1) * block] for i in range(len(sizes))])
            recorded.append((train, evaluate(model, X_test, y_test)[1]))

    stream = np.random.default_rng(1)
    offsets, counts = np.repeat(first, block)[:, None], np.repeat(rows, block)[:, None]
    fit(model, X, y, lambda k: offsets + (stream.random((len(offsets), batch)) * counts).astype(np.int64), steps, lr,
        record=record)
    at = np.array(sorted({*range(0, steps, every), steps}))
    values = [np.stack([r[i] for r in recorded]) for i in range(2)]
    result = {}
    for i, n in enumerate(sizes):
        curves: list[dict[str, np.ndarray]] = [{}, {}]
        for table, value in zip(curves, values):
            for j, name in enumerate(TRANSFER):
                table[name] = value[:, i * block + j * seeds:i * block + (j + 1) * seeds]
        result[n] = Curves(at, *curves)
    return result
