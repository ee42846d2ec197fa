"""Smoke tests of bench/optim_bench.py, bench/widget_bench.py and bench/notebook_bench.py:
they run and report every method, every control and every graded cell (no timing claims)."""

from __future__ import annotations

import importlib.util
import io
import math
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench():
    yield load("optim_bench")
    del sys.modules["optim_bench"]


@pytest.fixture(scope="module")
def widget_bench():
    yield load("widget_bench")
    del sys.modules["widget_bench"]


@pytest.fixture(scope="module")
def notebook_bench():
    yield load("notebook_bench")
    del sys.modules["notebook_bench"]


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


def test_widget_bench_times_every_control_of_every_explorer(widget_bench, monkeypatch):
    factories = widget_bench.explorer_factories()
    assert {"momentum_explorer", "adaptive_explorer", "sgd_explorer"} <= set(factories)
    built = {}  # the explorers the bench builds, each built once

    def recorded(name, factory):
        def build():
            built[name] = factory()
            return built[name]
        build.__module__ = factory.__module__  # the bench finds the lecture by the module
        return build

    monkeypatch.setattr(widget_bench, "explorer_factories",
                        lambda: {name: recorded(name, factory) for name, factory in factories.items()})
    out = io.StringIO()
    rows = widget_bench.main(["--moves", "2"], out=out)
    assert set(built) == set(factories)
    controls = {(name, control) for name, explorer in built.items() for control in explorer.controls}
    assert {(r.widget, r.control) for r in rows} == controls
    for row in rows:
        assert len(row.moves) == 2 and all(math.isfinite(t) and t > 0 for t in row.moves)
        assert row.whole_redraw > 0 and row.lecture != "?"
    assert out.getvalue().count("\n| ") == len(rows) + 1  # a header row and one per control


def test_widget_bench_moves_sliders_to_neighbouring_stops(widget_bench):
    import ipywidgets

    log = ipywidgets.FloatLogSlider(value=0.1, base=10, min=-3, max=0, step=0.1)
    np.testing.assert_allclose(widget_bench.next_values(log, 2), [10 ** -0.9, 10 ** -0.8])
    top = ipywidgets.FloatSlider(value=1.0, min=0.0, max=1.0, step=0.25)
    assert widget_bench.next_values(top, 2) == [0.75, 0.5]  # no room above: downwards
    buttons = ipywidgets.ToggleButtons(options=[("a", "a"), ("b", "b"), ("c", "c")], value="b")
    assert widget_bench.next_values(buttons, 4) == ["a", "c", "b", "a"]


def test_notebook_bench_times_every_graded_cell_of_a_lecture(notebook_bench):
    lecture = "03-sgd"
    nb = nbformat.read(BENCH.parent / "solutions" / lecture / f"{lecture}.ipynb", as_version=4)
    graded = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if c.cell_type == "code"
              and c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution")]
    out = io.StringIO()
    runs, cells = notebook_bench.main([lecture, "--no-run-all"], out=out)
    assert runs == [] and "Run All" not in out.getvalue()
    assert [c.cell for c in cells] == graded and len(graded) >= 6
    assert all(c.lecture == lecture and c.failed is None and math.isfinite(c.seconds) and c.seconds > 0 for c in cells)
    [row] = [line.split() for line in out.getvalue().splitlines() if line.split()[:1] == [lecture]]
    assert row[1] == str(len(graded)) and row[2] in graded, row  # the cell count, and the slowest cell
