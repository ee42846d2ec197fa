"""Models designed to be easy to optimize: deep plain networks and the same with skip connections (lecture 09).

A plain hidden layer computes h_l = φ(h_{l−1} W_l); a residual block adds its input,
h_l = h_{l−1} + φ(h_{l−1} W_l) (:class:`course.strategies.networks.Block`). Backward,
the plain layer multiplies the gradient by a Jacobian D_l W_lᵀ (D_l = φ' on the
diagonal) at every layer, so through L layers it is a product of L such factors and
shrinks or grows geometrically; the residual block's Jacobian is I + D_l W_lᵀ, and the
identity term gives the gradient a path from the loss to every layer that no weight
multiplies.

:func:`skip_experiment` trains both, from the same initial weights, for several depths
and seeds in one batched run per depth, and records the gradient norm of every layer
at chosen steps and the training loss at every step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from course import init as initializers
from course import validation as check
from course.backend import get_namespace, to_numpy
from course.data import spirals
from course.nn import Sequential, Tanh
from course.strategies.networks import Block, generators, fit, seeded_linear

__all__ = ["ARCHITECTURES", "INITS", "SkipRun", "skip_experiment"]

#: The two networks, in the order of the results.
ARCHITECTURES = ("plain", "residual")

#: The initializations compared, by label: the fan-in rule U(±1/√m) of course.nn (Var = 1/(3m),
#: which shrinks a signal by about √3 per tanh layer) and Glorot's (Var = 1/m for square layers).
INITS = {"U(±1/√m)": initializers.uniform_fan_in, "Glorot": initializers.glorot_uniform}


@dataclass(frozen=True)
class SkipRun:
    """What :func:`skip_experiment` recorded for one depth and initialization.

    ``checkpoints`` (C,): the steps whose gradients were recorded (0: at initialization);
    ``grad_norms``: (C, 2, depth, seeds), ‖∂J/∂W_l‖ of block l = 1..depth of the plain (0)
    and the residual (1) networks; ``losses``: (2, seeds, steps), the minibatch loss
    before each step.
    """

    checkpoints: tuple[int, ...]
    grad_norms: np.ndarray
    losses: np.ndarray


def _layer(make: Any, rngs: list[np.random.Generator], draws: list[Any], shape: tuple[int, int]) -> Any:
    """``make()`` (a layer of K models), its W replaced by one draw of ``draws[k](shape, rngs[k])`` per model."""
    layer = make()
    W = np.stack([np.asarray(draw(shape, rng=rng), dtype=np.float64) for draw, rng in zip(draws, rngs)])
    layer.W = layer.xp.asarray(W, dtype=layer.W.dtype)
    return layer


def skip_experiment(
    depths: Sequence[int],
    inits: Sequence[str] = tuple(INITS),
    seeds: int = 4,
    steps: int = 300,
    checkpoints: Sequence[int] = (0, 10, 50, 150, 299),
    *,
    width: int = 32,
    lr: float = 0.02,
    batch: int = 32,
    xp: Any = None,
    dtype: str = "float32",
) -> dict[tuple[str, int], SkipRun]:
    """A plain and a residual tanh network per initialization, depth and seed, trained side by side.

    Each network: a Linear layer from the 2 inputs to ``width`` units and tanh, then
    ``depth`` blocks h ← s h + tanh(h W_l) (s = 0 plain, s = 1 residual; no bias), then a
    Linear output layer to the 3 classes of ``spirals(100, 3)``. For an initialization and
    seed s, both networks start from the same weights (drawn by ``INITS[init]`` from
    ``numpy.random.default_rng(s)``); every network is trained by momentum SGD
    (ε = ``lr``, α = 0.9) on the same minibatches of ``batch`` points, all of one depth in
    one batched run.

    Parameters
    ----------
    depths : sequence of int
        Numbers of blocks, ≥ 1.
    inits : sequence of str
        Keys of :data:`INITS`.
    seeds : int
    steps : int
    checkpoints : sequence of int
        Steps (0 ≤ c < steps) whose minibatch gradients are recorded.
    width, batch : int
    lr : float
    xp : module, optional
        Array module (default: the course backend).
    dtype : str
        Name of the floating dtype of the networks (float32 is faster).

    Returns
    -------
    dict
        (init, depth) -> :class:`SkipRun`.
    """
    depths = [check.integer(f"depths[{i}]", d, 1) for i, d in enumerate(depths)]
    inits = list(inits)
    for init in inits:
        if init not in INITS:
            raise ValueError(f"inits must be keys of INITS ({', '.join(map(repr, INITS))}), got {init!r}")
    if not inits:
        raise ValueError("inits is empty: name at least one initialization")
    seeds, steps = check.integer("seeds", seeds, 1), check.integer("steps", steps, 1)
    width = check.integer("width", width, 1)
    marks = tuple(sorted({check.integer(f"checkpoints[{i}]", c, 0) for i, c in enumerate(checkpoints)}))
    if not marks or marks[-1] >= steps:
        raise ValueError(f"checkpoints must be steps from 0 to {steps - 1}, got {list(checkpoints)}")
    namespace = get_namespace() if xp is None else get_namespace(xp.zeros(0))
    X, y = spirals(100, 3, seed=0)
    X, y = namespace.asarray(X, dtype=getattr(namespace, dtype)), namespace.asarray(y, dtype=namespace.int64)
    batches = np.random.default_rng(0).integers(0, X.shape[0], (steps, batch))
    # models: for each init, [plain] * seeds + [residual] * seeds
    K = 2 * seeds * len(inits)
    draws = [INITS[init] for init in inits for _ in range(2 * seeds)]
    skip = [s for _ in inits for s in [0.0] * seeds + [1.0] * seeds]
    zeros = lambda shape, rng: np.zeros(shape)  # noqa: E731
    runs = {}
    for depth in depths:
        rngs = generators([s for _ in range(2 * len(inits)) for s in range(seeds)])
        options = dict(init=zeros, xp=namespace, dtype=dtype)
        first = _layer(lambda: seeded_linear(2, width, rngs, **options), rngs, draws, (2, width))
        blocks = [_layer(lambda: Block(width, rngs, skip, activation="tanh", **options), rngs, draws, (width, width))
                  for _ in range(depth)]
        head = _layer(lambda: seeded_linear(width, 3, rngs, **options), rngs, draws, (width, 3))
        model = Sequential([first, Tanh(), *blocks, head], 2, K)
        norms = []

        def record(k: int, blocks: list[Block] = blocks, norms: list = norms) -> None:
            if k - 1 in marks:  # the gradients of step k − 1 are still in the blocks
                norms.append(np.stack([np.sqrt(np.sum(to_numpy(b.dW) ** 2, axis=(1, 2))) for b in blocks]))

        losses = fit(model, X, y, lambda k: np.broadcast_to(batches[k], (K, batch)), steps, lr, record=record)
        grad_norms = np.stack(norms).reshape(len(marks), depth, len(inits), 2, seeds)
        losses = losses.reshape(len(inits), 2, seeds, steps)
        for i, init in enumerate(inits):
            runs[init, depth] = SkipRun(marks, grad_norms[:, :, i].transpose(0, 2, 1, 3), losses[i])
    return runs
