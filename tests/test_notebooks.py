"""Every solution notebook runs headless, completely.

Each solution notebook is executed once per module (with nbclient, kernel "python3", in
its own folder) and the assertions share the result: it runs without error, its widget
cells show a live widget with a PNG fallback, and moving a slider from a later cell
redraws (its time against the one-minute budget: ``bench/notebook_bench.py``).

The released notebooks, exercises untouched, are run where a student and an instructor
run them: with Run All in JupyterLab (tests/browser/test_jupyterlab.py: only the graded
test cells fail, each with NotImplementedError) and as bob's submission in
tests/test_nbgrader_roundtrip.py (zero, and every demo prints its hint).
"""

from __future__ import annotations

import ast
import json
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

TIME_LIMIT = 60.0  # seconds a cell may run before the run is stopped (a hang fails the tests)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
PROBE = "__slider_probe__"

# Appended to a solution notebook: move the first slider of an explorer and report
# how often the figure was drawn before and after.
PROBE_HELPER = '''\
def _move_first_slider(explorer):
    import ipywidgets
    kinds = (ipywidgets.FloatSlider, ipywidgets.FloatLogSlider, ipywidgets.IntSlider, ipywidgets.SelectionSlider)
    sliders = [(name, c) for name, c in explorer.controls.items() if isinstance(c, kinds)]
    if not sliders:
        return {"slider": None}
    name, slider = sliders[0]
    before = explorer.draws
    if isinstance(slider, ipywidgets.SelectionSlider):
        last = len(slider.options) - 1
        slider.index = last if slider.index != last else 0
    else:
        if isinstance(slider, ipywidgets.FloatLogSlider):
            low, high = slider.base ** slider.min, slider.base ** slider.max
        else:
            low, high = slider.min, slider.max
        slider.value = high if slider.value != high else low
    return {"slider": name, "value": slider.value, "before": before, "after": explorer.draws}
'''


@dataclass
class Run:
    """One executed notebook."""

    nb: nbformat.NotebookNode
    failure: str | None  # an exception that stopped execution (e.g. a timeout)

    def errors(self) -> dict[int, dict]:
        """Error outputs by cell index."""
        return {
            index: output
            for index, cell in enumerate(self.nb.cells)
            if cell.cell_type == "code"
            for output in cell.outputs
            if output.output_type == "error"
        }


def _grade_id(cell) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "appended slider probe")


def _code(source: str) -> str:
    return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))


def _widget_call(cell) -> str | None:
    """The source of a cell's last expression if it is a call ``widgets.<name>(...)``."""
    if cell.cell_type != "code":
        return None
    code = _code(cell.source)
    body = ast.parse(code).body
    last = body[-1] if body else None
    if (
        isinstance(last, ast.Expr)
        and isinstance(last.value, ast.Call)
        and isinstance(last.value.func, ast.Attribute)
        and isinstance(last.value.func.value, ast.Name)
        and last.value.func.value.id == "widgets"
    ):
        return ast.get_source_segment(code, last)
    return None


def _execute(path: Path, nb: nbformat.NotebookNode) -> Run:
    client = NotebookClient(
        nb,
        timeout=TIME_LIMIT,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    failure = None
    try:
        client.execute()
    except Exception as error:  # a timeout or a dead kernel: report it in the tests
        failure = f"{type(error).__name__}: {error}"
    seconds = time.perf_counter() - start
    print(f"executed {path.name} in {seconds:.1f} s")
    return Run(nb, failure)


def _read(repo: Path, kind: str, assignment: str) -> tuple[Path, nbformat.NotebookNode]:
    path = repo / kind / assignment / f"{assignment}.ipynb"
    assert path.is_file(), f"{path.relative_to(repo)} is missing"
    return path, nbformat.read(path, as_version=4)


@pytest.fixture(scope="module")
def solution(repo, assignment):
    """The solution notebook, executed with a slider probe after each widget cell."""
    path, nb = _read(repo, "solutions", assignment)
    widget_cells = []
    for index, cell in enumerate(nb.cells):
        call = _widget_call(cell)
        if call is not None:
            name = f"_explorer_{index}"
            cell.source = cell.source.replace(call, f"{name} = {call}\n{name}")
            widget_cells.append((index, name))
    probes = [nbformat.v4.new_code_cell(PROBE_HELPER)] + [
        nbformat.v4.new_code_cell(
            f"import json\nprint({PROBE!r}, {index}, json.dumps(_move_first_slider({name})))"
        )
        for index, name in widget_cells
    ]
    nb.cells.extend(probes)
    run = _execute(path, nb)
    results = {}
    for cell in nb.cells[-len(widget_cells):] if widget_cells else []:
        for output in cell.outputs:
            if output.output_type == "stream" and PROBE in output.text:
                _, index, result = output.text.strip().split(" ", 2)
                results[int(index)] = json.loads(result)
    return run, [index for index, _ in widget_cells], results


def test_solution_runs_without_errors(solution):
    run, _, _ = solution
    assert run.failure is None, run.failure
    errors = {f"cell {i} ({_grade_id(run.nb.cells[i])})": f"{e.ename}: {e.evalue}" for i, e in run.errors().items()}
    assert not errors, f"cells raised errors: {errors}"


def test_widget_cells_show_a_widget_with_a_png_fallback(solution):
    run, widget_cells, _ = solution
    assert run.failure is None, run.failure
    assert widget_cells, "no widget cell (a cell calling widgets.<explorer>())"
    for index in widget_cells:
        bundles = [o.data for o in run.nb.cells[index].outputs if o.output_type in ("execute_result", "display_data")]
        assert any(WIDGET_VIEW in b and "image/png" in b for b in bundles), (
            f"widget cell {index} ({_grade_id(run.nb.cells[index])}) shows {[sorted(b) for b in bundles]}"
        )


def test_moving_a_slider_redraws(solution):
    run, widget_cells, results = solution
    assert run.failure is None, run.failure
    for index in widget_cells:
        label = f"widget cell {index} ({_grade_id(run.nb.cells[index])})"
        assert index in results, f"{label}: the slider probe printed nothing"
        result = results[index]
        assert result["slider"] is not None, f"{label}: the explorer has no slider"
        assert result["after"] > result["before"], f"{label}: setting {result['slider']} did not redraw: {result}"
