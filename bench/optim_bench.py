"""Time one ``update`` of each optimizer of :mod:`course.optim` against the memory floor.

An update of n float32 parameters does a few flops per element, so at best it
runs at the speed of memory: it must read θ, its state buffers and g, and
write θ and the buffers. The benchmark compares the time of one step with

floor
    the time of one plain copy ``dst[...] = src`` whose read + write traffic
    equals the step's: a step that must move k arrays of n float32 values
    (4 k n bytes) is compared with a copy of k n / 2 float32 values (a copy of
    N bytes reads N and writes N). The floor is measured in the same run, on
    the same machine, interleaved with the step.
naive
    the same update written with whole-array expressions: the pure step
    function of :mod:`course.optim.steps` (``adam_step``...), which allocates
    a temporary array for every operation (its argument checks included).

Arrays the step must move (n float32 each; g is read, never written)::

    SGD              θ, g → θ                                    3
    Momentum         θ, v, g → θ, v                              5
    Nesterov         θ, v → θ̃ (look-ahead), then θ, v, g → θ, v  3 + 5 = 8
    AdaGrad          θ, r, g → θ, r                              5
    RMSProp          θ, r, g → θ, r                              5
    RMSPropNesterov  θ, v → θ̃, then θ, v, r, g → θ, v, r          3 + 7 = 10
    Adam             θ, s, r, g → θ, s, r                        7

``grad_fn`` returns a precomputed gradient, so only the update is timed (for
the Nesterov methods the look-ahead θ + αv is part of the step). Each time is
the best (minimum) of several repeats after a warm-up. Run from the repository
root::

    python bench/optim_bench.py            # n = 10⁵, 10⁶, 10⁷ (~20 s on an idle 2-core CPU)
    python bench/optim_bench.py --quick    # n = 10⁵, 10⁶ only

The arrays come from :func:`course.backend.default_namespace`: CuPy on a
working GPU (``--backend`` or the environment variable ``COURSE_BACKEND``
chooses), NumPy otherwise; on CuPy the device is synchronised before the
clock is read.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time
from dataclasses import dataclass
from typing import Any, Callable, Sequence, TextIO

import numpy as np

from course import backend
from course.optim import optimizers, steps
from course.optim.optimizers import (
    SGD,
    AdaGrad,
    Adam,
    Momentum,
    Nesterov,
    Optimizer,
    RMSProp,
    RMSPropNesterov,
)

Array = Any
LR = 1e-3
ALPHA = 0.9
FULL_SIZES = (10**5, 10**6, 10**7)
QUICK_SIZES = (10**5, 10**6)
#: Each timed measurement makes ELEMENTS_PER_MEASUREMENT // n calls (at least
#: one) and divides by their number, so that the clock's resolution does not
#: matter at small n.
ELEMENTS_PER_MEASUREMENT = 10**6
#: Timed repeats of each measurement; the best (minimum) counts.
REPEATS = 10
FLOOR_DEFINITION = (
    "floor = time of one plain copy dst[...] = src of k*n/2 float32 values, whose "
    "read + write traffic (2 x 4 k n / 2 bytes) equals that of a step that must "
    "read or write k arrays of n float32 values"
)


@dataclass(frozen=True)
class Method:
    """One optimizer, the arrays its step must move, and its whole-array equivalent."""

    name: str
    optimizer: Optimizer
    traffic: int  # arrays of n values read or written by one step
    naive: Callable[[tuple, Array, int], tuple]  # (θ, *buffers), g, t -> new (θ, *buffers)


def _constant(g: Array) -> Callable[[Array], Array]:
    return lambda point: g


METHODS = (
    Method("SGD", SGD(LR), 3, lambda a, g, t: (steps.sgd_step(a[0], g, LR),)),
    Method("Momentum", Momentum(LR, ALPHA), 5, lambda a, g, t: steps.momentum_step(*a, g, LR, ALPHA)),
    Method(
        "Nesterov",
        Nesterov(LR, ALPHA),
        8,
        lambda a, g, t: steps.nesterov_step(*a, _constant(g), LR, ALPHA),
    ),
    Method("AdaGrad", AdaGrad(LR), 5, lambda a, g, t: steps.adagrad_step(*a, g, LR)),
    Method("RMSProp", RMSProp(LR), 5, lambda a, g, t: steps.rmsprop_step(*a, g, LR)),
    Method(
        "RMSPropNesterov",
        RMSPropNesterov(LR, ALPHA),
        10,
        lambda a, g, t: steps.rmsprop_nesterov_step(*a, _constant(g), LR, ALPHA),
    ),
    Method("Adam", Adam(LR), 7, lambda a, g, t: steps.adam_step(*a, g, t, LR)),
)


@dataclass(frozen=True)
class Result:
    """Best times in seconds of one step, its floor and its naive equivalent."""

    method: str
    n: int
    step: float
    floor: float
    naive: float

    @property
    def ratio(self) -> float:
        """Step time over floor time: 1 means the step runs at memory speed."""
        return self.step / self.floor

    @property
    def vs_naive(self) -> float:
        """Step time over naive time: below 1 means the blocked update is faster."""
        return self.step / self.naive


def floor_elements(k: int, n: int) -> int:
    """Values the floor copies for a step that moves k arrays of n values: ⌈k n / 2⌉."""
    return -(-k * n // 2)


def _synchronizer(xp: Any) -> Callable[[], None]:
    """A function that waits for the device (CuPy) or does nothing (NumPy)."""
    if xp is np:
        return lambda: None
    return xp.cuda.Device().synchronize


def _best_times(
    calls: Sequence[Callable[[], None]], inner: int, repeats: int, sync: Callable[[], None]
) -> list[float]:
    """Minimum over ``repeats`` of the time per call of each of ``calls``.

    The calls take turns within each repeat (in a rotating order), so that a
    burst of load from other processes slows all of them, not just one.
    """
    best = [math.inf] * len(calls)
    for repeat in range(repeats):
        for j in range(len(calls)):
            i = (j + repeat) % len(calls)
            sync()
            start = time.perf_counter()
            for _ in range(inner):
                calls[i]()
            sync()
            best[i] = min(best[i], (time.perf_counter() - start) / inner)
    return best


def measure(method: Method, n: int, xp: Any, floor_src: Array, floor_dst: Array, repeats: int) -> Result:
    """Time ``method`` at ``n`` parameters against its floor and its naive equivalent."""
    rng = np.random.default_rng(0)
    sync = _synchronizer(xp)
    start = rng.standard_normal(n, dtype=np.float32)
    g = xp.asarray(rng.standard_normal(n, dtype=np.float32))
    grad_fn = _constant(g)

    theta = xp.asarray(start)
    ours = [theta, method.optimizer.init(theta)]

    def step() -> None:
        ours[0], ours[1] = method.optimizer.update(ours[0], ours[1], grad_fn)

    buffers = len(ours[1]) - 1  # the state's arrays, without the counter k
    naive_state = [tuple([xp.asarray(start)] + [xp.zeros(n, dtype=xp.float32) for _ in range(buffers)]), 1]

    def naive() -> None:
        arrays, t = naive_state
        naive_state[0], naive_state[1] = method.naive(arrays, g, t), t + 1

    m = floor_elements(method.traffic, n)
    src, dst = floor_src[:m], floor_dst[:m]

    def floor() -> None:
        dst[...] = src

    inner = max(1, ELEMENTS_PER_MEASUREMENT // n)
    calls = (floor, step, naive)
    for call in calls:  # warm-up: first touch of fresh pages, caches, code paths
        call()
    floor_time, step_time, naive_time = _best_times(calls, inner, repeats, sync)
    return Result(method.name, n, step_time, floor_time, naive_time)


def machine_description() -> str:
    """nproc, CPU model and array library, for the header of the output."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} CPUs ({cpu}); NumPy {np.__version__}; {backend.backend_info()}"


def _row(cells: Sequence[str]) -> str:
    widths = (16, 10, 3, 10, 10, 10, 10, 10)
    return "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))


def format_result(r: Result, traffic: int) -> str:
    """One table row: times in milliseconds, then the two ratios."""
    return _row(
        (
            r.method,
            f"{r.n:.0e}".replace("e+0", "e"),
            str(traffic),
            f"{r.step * 1e3:.3f}",
            f"{r.floor * 1e3:.3f}",
            f"{r.ratio:.2f}",
            f"{r.naive * 1e3:.3f}",
            f"{r.vs_naive:.2f}",
        )
    )


def run_benchmark(xp: Any, sizes: Sequence[int], repeats: int, out: TextIO) -> list[Result]:
    """Measure every method at every size with arrays of ``xp``, printing each row when done."""
    print(f"{time.strftime('%Y-%m-%d')}, {machine_description()}", file=out)
    print(f"BLOCK_SIZE = {optimizers.BLOCK_SIZE} elements; best of {repeats} repeats after a warm-up",
          file=out)
    print(FLOOR_DEFINITION, file=out)
    print("k = arrays of n float32 values the step must read or write; times in ms per step;", file=out)
    print("naive = the pure step function of course.optim.steps (whole-array expressions)", file=out)
    print(file=out)
    print(_row(("method", "n", "k", "step ms", "floor ms", "step/floor", "naive ms", "step/naive")), file=out)
    out.flush()
    results = []
    for n in sizes:
        floor_src = xp.ones(floor_elements(max(m.traffic for m in METHODS), n), dtype=xp.float32)
        floor_dst = xp.zeros_like(floor_src)
        for method in METHODS:
            result = measure(method, n, xp, floor_src, floor_dst, repeats)
            results.append(result)
            print(format_result(result, method.traffic), file=out)
            out.flush()
        del floor_src, floor_dst
    return results


def main(argv: Sequence[str] | None = None, *, sizes: Sequence[int] | None = None,
         repeats: int | None = None, out: TextIO | None = None) -> list[Result]:
    """Command-line entry point; ``sizes`` and ``repeats`` override the defaults (for tests)."""
    parser = argparse.ArgumentParser(
        description="Time one update of each optimizer of course.optim against the memory floor."
    )
    parser.add_argument("--quick", action="store_true", help="only n = 10^5 and 10^6 (a smoke run)")
    parser.add_argument(
        "--backend",
        choices=backend.BACKENDS,
        help="array library (default: the environment variable COURSE_BACKEND, else auto)",
    )
    parser.add_argument(
        "--repeats", type=int, default=REPEATS, help=f"timed repeats per measurement (default {REPEATS})"
    )
    parser.add_argument("--block-size", type=int, help="override optimizers.BLOCK_SIZE (elements per block)")
    args = parser.parse_args(argv)
    if args.backend:
        os.environ["COURSE_BACKEND"] = args.backend
    if args.block_size is not None:
        if args.block_size < 1:
            parser.error(f"--block-size must be a positive number of elements, got {args.block_size}")
        optimizers.BLOCK_SIZE = args.block_size
    if sizes is None:
        sizes = QUICK_SIZES if args.quick else FULL_SIZES
    if repeats is None:
        repeats = args.repeats
    if repeats < 1:
        parser.error(f"--repeats must be at least 1, got {repeats}")
    try:
        xp = backend.default_namespace()
    except backend.BackendError as exc:
        parser.error(str(exc))
    out = out or sys.stdout
    results = run_benchmark(xp, sizes, repeats, out)
    adam = [r for r in results if r.method == "Adam" and r.n == 10**7]
    if adam and xp is np:
        verdict = "met" if adam[0].ratio <= 2 else "missed"
        print(f"\ntarget (Adam <= 2x the floor at n = 1e7 on the CPU): {verdict}, "
              f"step/floor = {adam[0].ratio:.2f}", file=out)
    return results


if __name__ == "__main__":
    main()
