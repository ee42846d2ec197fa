"""A grade does not depend on the machine that grades it.

NumPy's OpenBLAS picks its kernels by CPU (AVX-512 "SkylakeX" kernels on the Xeons and
EPYCs graders run on, "Haswell" ones elsewhere, or whatever ``OPENBLAS_CORETYPE`` says),
and NumPy's own loops dispatch to AVX-512 where the CPU has it. Their results differ in
the last bits, so a check that compared long trajectories, or decided a restart by the
sign of a rounding-sized number, could pass a right answer on one grader and fail it on
another. Here tests/verdict_table.py, the verdict of every graded test cell for every
solution, unfinished exercise, mutant and right variant, runs under each kernel
NumPy may pick on this machine, and every verdict must be identical: which cells fail,
and the message of each, up to the numbers an example shows (CG's iteration count on a
100 × 100 system, for one, is decided by rounding to within one).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from numpy._core import _multiarray_umath as umath

TESTS = Path(__file__).resolve().parent

#: NumPy's AVX-512 dispatch targets this CPU has (none on a CPU without AVX-512).
AVX512 = sorted(f for f in umath.__cpu_dispatch__
                if umath.__cpu_features__.get(f) and (f.startswith("AVX512") or f == "X86_V4"))

#: Setting name -> environment changes (None: unset). "default" lets OpenBLAS pick by CPU.
SETTINGS = {
    "default": {"OPENBLAS_CORETYPE": None},
    "Haswell": {"OPENBLAS_CORETYPE": "Haswell"},
    "SkylakeX": {"OPENBLAS_CORETYPE": "SkylakeX"},
    "Zen": {"OPENBLAS_CORETYPE": "Zen"},
    "no AVX-512 in NumPy": {"OPENBLAS_CORETYPE": None, "NPY_DISABLE_CPU_FEATURES": " ".join(AVX512)},
}


#: A number in a message: masked when verdicts are compared.
NUMBER = re.compile(r"[-+]?\d+(\.\d+)?([eE][-+]?\d+)?")


def verdict(failures: dict[str, str]) -> dict[str, str]:
    """The failing cells and their messages with the numbers masked."""
    return {cell: NUMBER.sub("#", message) for cell, message in failures.items()}


def run_table(changes: dict[str, str | None], *options: str) -> dict:
    """tests/verdict_table.py's JSON under the environment ``changes``."""
    env = {k: v for k, v in os.environ.items() if k not in changes}
    env.update({k: v for k, v in changes.items() if v is not None})
    done = subprocess.run([sys.executable, "verdict_table.py", *options], cwd=TESTS, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def runtimes() -> dict[str, dict]:
    """Setting -> the kernels it runs (OpenBLAS's core type, NumPy's dispatched features)."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return dict(zip(SETTINGS, pool.map(lambda changes: run_table(changes, "--runtime")["runtime"],
                                           SETTINGS.values())))


@pytest.fixture(scope="module")
def tables(runtimes) -> dict[str, dict]:
    """Setting -> the verdict table. Settings that run the same kernels (here "default" may
    be SkylakeX, and OpenBLAS runs Zen with its Haswell kernels) compute the same
    arithmetic: the table is computed once per distinct set of kernels."""
    kernels = {name: json.dumps(runtime, sort_keys=True) for name, runtime in runtimes.items()}
    first = {}
    for name, key in kernels.items():
        first.setdefault(key, name)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        computed = dict(zip(first.values(), pool.map(lambda name: run_table(SETTINGS[name]), first.values())))
    return {name: computed[first[key]] for name, key in kernels.items()}


def test_the_settings_pick_the_kernels_they_name(runtimes, tables):
    for name in ("Haswell", "SkylakeX"):
        assert runtimes[name]["blas"] == [name], runtimes[name]
    assert not set(AVX512) & set(runtimes["no AVX-512 in NumPy"]["simd"])
    assert set(AVX512) <= set(runtimes["default"]["simd"])
    assert all(tables[name]["runtime"] == runtimes[name] for name in SETTINGS)
    assert len({json.dumps(r, sort_keys=True) for r in runtimes.values()}) >= 2, "only one set of kernels ran"


def test_every_verdict_is_the_same_under_every_kernel(tables):
    base = tables["default"]["verdicts"]
    assert len(base) > 300
    differences = [f"{case} under {name}:\n  default: {base[case]}\n  {name}: {table['verdicts'].get(case)}"
                   for name, table in tables.items() for case in base
                   if verdict(table["verdicts"].get(case, {})) != verdict(base[case])]
    assert not differences, "\n".join(differences[:10])
    assert all(set(table["verdicts"]) == set(base) for table in tables.values())


def test_right_answers_pass_and_wrong_ones_fail_under_every_kernel(tables):
    for name, table in tables.items():
        verdicts = table["verdicts"]
        right = {case: failures for case, failures in verdicts.items()
                 if case.endswith(("/solution", "/variant")) and failures}
        assert not right, f"right answers fail under {name}: {right}"
        caught = [case for case, failures in verdicts.items() if case.endswith("/mutant") and not failures]
        assert not caught, f"mutants pass under {name}: {caught}"
        unfinished = [case for case, failures in verdicts.items() if case.endswith("/unfinished")
                      and not (failures and all(m.startswith("NotImplementedError") for m in failures.values()))]
        assert not unfinished, f"unfinished exercises not reported as such under {name}: {unfinished}"
