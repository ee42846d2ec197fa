"""Smoke test of bench/optim_bench.py: it runs and reports every method (no timing claims)."""

from __future__ import annotations

import importlib.util
import io
import math
import sys
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "optim_bench.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("optim_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def test_quick_run_reports_every_method_with_a_positive_ratio(bench, monkeypatch):
    monkeypatch.setattr(bench, "ELEMENTS_PER_MEASUREMENT", 1)  # one call per measurement
    out = io.StringIO()
    results = bench.main(["--quick"], sizes=(1000,), repeats=1, out=out)
    text = out.getvalue()
    expected = ["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "RMSPropNesterov", "Adam"]
    assert [r.method for r in results] == expected
    assert all(r.n == 1000 for r in results)
    assert "floor = time of one plain copy" in text
    lines = [line.split() for line in text.splitlines()]
    rows = {cells[0]: cells for cells in lines if cells and cells[0] in expected}
    assert sorted(rows) == sorted(expected)
    for result in results:
        for value in (result.step, result.floor, result.naive, result.ratio, result.vs_naive):
            assert math.isfinite(value) and value > 0, result
        printed = rows[result.method]
        assert printed[1] == "1e3"
        assert float(printed[5]) == pytest.approx(result.ratio, abs=0.006)


def test_traffic_counts_follow_the_arrays_each_step_moves(bench):
    # 2 per array read and written (θ and each state buffer), 1 for g, 3 for a look-ahead θ + αv
    traffic = {m.name: m.traffic for m in bench.METHODS}
    assert traffic == {
        "SGD": 3, "Momentum": 5, "Nesterov": 8, "AdaGrad": 5,
        "RMSProp": 5, "RMSPropNesterov": 10, "Adam": 7,
    }
    for method in bench.METHODS:
        state = method.optimizer.init(np.zeros(3, dtype=np.float32))
        lookahead = 3 if "Nesterov" in method.name else 0
        arrays = len(state)  # θ and the state's buffers (the state holds the buffers and k)
        assert method.traffic == 2 * arrays + 1 + lookahead
