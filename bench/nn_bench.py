"""Time batch normalization and the MLP of :mod:`course.nn` against floors measured in the same run.

Three measurements, each printed as a markdown table:

BatchNorm
    one ``forward`` + ``backward`` of :class:`course.batchnorm.BatchNorm` on an (m, n)
    float32 batch, against the memory floor of the optimizer benchmark
    (``bench/optim_bench.py``, whose helpers this script imports): a plain copy
    ``dst[...] = src`` with the read + write traffic of the 5 arrays of m·n values a
    fused implementation must move (forward: read x, write out; backward: read dout
    and x (or x̂), write dx).
MLP
    one ``compute_gradients`` (forward in training mode, softmax cross-entropy,
    backward) of ``mlp((64, 256, 256, 10), batchnorm=True)`` on a batch of m rows,
    against two floors: the memory floor for the arrays it must move (each
    hidden activation written in the forward pass and read in the backward pass,
    each ∂L/∂activation written and read, the input and the logits, and the
    weights read twice and their gradients written once), and the matmul floor,
    the time of the same matrix products alone (per Linear layer x W, xᵀ dout and
    dout Wᵀ, the last one skipped for the first layer).
train_curves
    the batched training of lecture 07's widget: 16 learning rates × (with, without
    BN), 200 full-batch SGD steps of ``mlp((2, 32, 32, 3))`` on ``spirals(100)``,
    against training the same 32 networks one after the other with
    :func:`course.nn.train`.

Each time is the best of several repeats after a warm-up (``optim_bench._best_times``:
the calls of a measurement take turns, so load from other processes hits all of them).
Run from the repository root::

    python bench/nn_bench.py            # batch sizes 64 … 4096 (~30 s on an idle 2-core CPU)
    python bench/nn_bench.py --quick    # batch sizes 64 and 1024, no one-by-one training loop
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable, Sequence, TextIO

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from optim_bench import _best_times, _synchronizer, floor_elements, machine_description  # noqa: E402

from course import backend  # noqa: E402
from course.batchnorm import BatchNorm  # noqa: E402
from course.data import spirals  # noqa: E402
from course.nn import Linear, mlp, train, train_curves  # noqa: E402
from course.optim import SGD  # noqa: E402

FULL_BATCHES = (64, 256, 1024, 4096)
QUICK_BATCHES = (64, 1024)
FEATURES = 256  # n, the width of the BatchNorm layer
SIZES = (64, 256, 256, 10)  # the MLP
REPEATS = 10
ELEMENTS_PER_MEASUREMENT = 2 * 10**6  # calls per timed measurement: this // (m n), at least one
CURVE_LRS = tuple(np.geomspace(0.01, 10.0, 16))
CURVE_STEPS = 200


def _copy_floor(xp: Any, elements: int) -> Callable[[], None]:
    src = xp.ones(elements, dtype=xp.float32)
    dst = xp.zeros_like(src)

    def floor() -> None:
        dst[...] = src

    return floor


def _inner(m: int, n: int) -> int:
    return max(1, ELEMENTS_PER_MEASUREMENT // (m * n))


def bench_batchnorm(xp: Any, m: int, repeats: int) -> tuple[float, float]:
    """(forward + backward time, floor time) for an (m, FEATURES) float32 batch."""
    rng = np.random.default_rng(0)
    x = xp.asarray(rng.standard_normal((m, FEATURES), dtype=np.float32))
    dout = xp.asarray(rng.standard_normal((m, FEATURES), dtype=np.float32))
    layer = BatchNorm(FEATURES, xp=xp, dtype="float32")

    def step() -> None:
        layer.forward(x)
        layer.backward(dout)

    calls = (_copy_floor(xp, floor_elements(5, m * FEATURES)), step)
    for call in calls:
        call()
    floor, step_time = _best_times(calls, _inner(m, FEATURES), repeats, _synchronizer(xp))
    return step_time, floor


def mlp_traffic(m: int, sizes: Sequence[int]) -> int:
    """float32 values the MLP's forward + backward must move at batch size m (see the module doc)."""
    hidden = sum(sizes[1:-1])
    weights = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
    return m * sizes[0] + 2 * m * sizes[-1] + 4 * m * hidden + 3 * weights


def bench_mlp(xp: Any, m: int, repeats: int) -> tuple[float, float, float]:
    """(compute_gradients time, memory floor, matmul floor) at batch size m."""
    rng = np.random.default_rng(0)
    model = mlp(SIZES, batchnorm=True, seed=0, xp=xp, dtype="float32")
    x = xp.asarray(rng.standard_normal((m, SIZES[0]), dtype=np.float32))
    y = xp.asarray(rng.integers(0, SIZES[-1], m))
    acts = [xp.asarray(rng.standard_normal((m, w), dtype=np.float32)) for w in SIZES]
    weights = [layer.W for layer in model.layers if isinstance(layer, Linear)]

    def matmuls() -> None:
        for i, W in enumerate(weights):
            acts[i] @ W
            xp.matrix_transpose(acts[i]) @ acts[i + 1]
            if i:
                acts[i + 1] @ xp.matrix_transpose(W)

    def step() -> None:
        model.compute_gradients(x, y)

    calls = (_copy_floor(xp, -(-mlp_traffic(m, SIZES) // 2)), matmuls, step)
    for call in calls:
        call()
    floor, gemm, step_time = _best_times(calls, _inner(m, SIZES[1]), repeats, _synchronizer(xp))
    return step_time, floor, gemm


def bench_curves(xp: Any, dtype: str, one_by_one: bool) -> tuple[float, float]:
    """Seconds for train_curves with and without BN (16 rates each), and for the same 32
    networks trained one after the other with train() (NaN when not measured)."""
    X, y = spirals(100, seed=0, xp=xp)
    X = xp.astype(X, getattr(xp, dtype))
    sync = _synchronizer(xp)
    sync()
    start = time.perf_counter()
    for bn in (False, True):
        train_curves(CURVE_LRS, bn, CURVE_STEPS, X, y)
    sync()
    batched = time.perf_counter() - start
    alone = math.nan
    if one_by_one:
        start = time.perf_counter()
        for bn in (False, True):
            for lr in CURVE_LRS:
                model = mlp((2, 32, 32, 3), batchnorm=bn, seed=0, xp=xp, dtype=dtype)
                train(model, X, y, SGD(float(lr)), CURVE_STEPS)
        sync()
        alone = time.perf_counter() - start
    return batched, alone


def run_benchmark(xp: Any, batches: Sequence[int], repeats: int, one_by_one: bool, out: TextIO) -> dict:
    """Measure everything, print the three tables, return the numbers."""
    print(f"{time.strftime('%Y-%m-%d')}, {machine_description()}; best of {repeats} repeats\n", file=out)
    print(f"BatchNorm({FEATURES}) forward + backward, float32; floor = copy with the traffic of "
          f"5 arrays of m x {FEATURES} values\n", file=out)
    print("| m | step ms | floor ms | step/floor |\n| ---: | ---: | ---: | ---: |", file=out)
    results: dict = {"batchnorm": {}, "mlp": {}}
    for m in batches:
        step, floor = bench_batchnorm(xp, m, repeats)
        results["batchnorm"][m] = (step, floor)
        print(f"| {m} | {step * 1e3:.3f} | {floor * 1e3:.3f} | {step / floor:.2f} |", file=out)
        out.flush()
    print(f"\nmlp({SIZES}, batchnorm=True).compute_gradients, float32; memory floor = copy of "
          f"the traffic of mlp_traffic(m); matmul floor = the same matrix products alone\n", file=out)
    print("| m | step ms | mem floor ms | step/mem floor | matmul ms | step/matmul |\n"
          "| ---: | ---: | ---: | ---: | ---: | ---: |", file=out)
    for m in batches:
        step, floor, gemm = bench_mlp(xp, m, repeats)
        results["mlp"][m] = (step, floor, gemm)
        print(f"| {m} | {step * 1e3:.3f} | {floor * 1e3:.3f} | {step / floor:.2f} | {gemm * 1e3:.3f} "
              f"| {step / gemm:.2f} |", file=out)
        out.flush()
    print(f"\ntrain_curves: {len(CURVE_LRS)} learning rates x (without, with BN), {CURVE_STEPS} full-batch "
          f"steps, mlp((2, 32, 32, 3)) on spirals(100) (300 points)\n", file=out)
    print("| dtype | batched s | one by one with train() s | speed-up |\n| --- | ---: | ---: | ---: |",
          file=out)
    for dtype in ("float64", "float32"):
        batched, alone = bench_curves(xp, dtype, one_by_one)
        results[f"curves_{dtype}"] = (batched, alone)
        print(f"| {dtype} | {batched:.2f} | {alone:.2f} | {alone / batched:.1f} |", file=out)
        out.flush()
    return results


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> dict:
    parser = argparse.ArgumentParser(description="Time BatchNorm, the MLP and train_curves against floors.")
    parser.add_argument("--quick", action="store_true", help="batch sizes 64 and 1024; skip the one-by-one loop")
    parser.add_argument("--backend", choices=backend.BACKENDS, help="array library (default: COURSE_BACKEND)")
    parser.add_argument("--repeats", type=int, default=REPEATS, help=f"timed repeats (default {REPEATS})")
    args = parser.parse_args(argv)
    if args.backend:
        os.environ["COURSE_BACKEND"] = args.backend
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    try:
        xp = backend.default_namespace()
    except backend.BackendError as exc:
        parser.error(str(exc))
    batches = QUICK_BATCHES if args.quick else FULL_BATCHES
    return run_benchmark(xp, batches, args.repeats, not args.quick, out or sys.stdout)


if __name__ == "__main__":
    main()
