"""The course in JupyterLab, as a student uses it, in a real browser.

1. Every released notebook runs to its last cell with one Run → Run All Cells, its
   exercises untouched: only the graded test cells fail, with NotImplementedError, and
   every widget shows. Every control of every widget then moves five times, and each move
   gives a new picture; the time from the key press (or click) to the new picture painted
   is written to ``test-artifacts/browser/latency.json`` (``bench/widget_bench.py`` reports it).
2. With the solutions filled in, every cell (graded tests included) runs without error.
3. nbgrader's Validate button passes the solved notebook; the instructor's tools
   (Create Assignment, the assignment and course lists, the Formgrader) are not there.

Screenshots of each step land in ``test-artifacts/browser/``.
"""

from __future__ import annotations

import ast
import json
import time
import re
import statistics
from pathlib import Path

import pytest
from playwright.sync_api import expect

REPO = Path(__file__).resolve().parents[2]
RELEASED = sorted(str(p.relative_to(REPO)) for p in (REPO / "notebooks").glob("*/*.ipynb"))
SOLVED = "solutions/04-momentum/04-momentum.ipynb"
START = "notebooks/00-start-here/00-start-here.ipynb"
VALIDATION_TIMEOUT_MS = 120_000
MOVES = 5
LATENCY_FILE = "latency.json"


def _cells(relative_path: str) -> list[dict]:
    """Cells of a repository notebook; fail (not skip) when it is missing."""
    path = REPO / relative_path
    if not path.is_file():
        pytest.fail(f"{relative_path} is missing (the released notebooks come from "
                    "`make release`)")
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _nbgrader(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _code_lines(cell: dict) -> list[str]:
    source = cell["source"]
    text = source if isinstance(source, str) else "".join(source)
    return [line for line in text.splitlines() if line.strip() and
            not line.strip().startswith("#")]


def _check_cell_count(lab, cells: list[dict]) -> None:
    assert lab.cells.count() == len(cells), "JupyterLab shows a different number of cells"


def _press_towards_room(handle, direction: dict) -> None:
    """Press the slider's arrow key, turning round at either end of its range."""
    now, low, high = (float(handle.get_attribute(f"aria-value{end}")) for end in ("now", "min", "max"))
    if now >= high:
        direction["key"] = "ArrowLeft"
    elif now <= low:
        direction["key"] = "ArrowRight"
    handle.press(direction["key"])


def _record_latencies(artifacts: Path, notebook: str, latencies: dict[str, list[float]]) -> None:
    path = artifacts / LATENCY_FILE
    table = json.loads(path.read_text()) if path.is_file() else {}
    table[notebook] = latencies
    path.write_text(json.dumps(table, indent=1, sort_keys=True))


@pytest.mark.parametrize("notebook", RELEASED, ids=lambda p: Path(p).parent.name)
def test_run_all_reaches_the_end_and_every_control_redraws(lab, notebook) -> None:
    cells = _cells(notebook)
    lab.open_notebook(notebook)
    _check_cell_count(lab, cells)

    lab.run_all_cells()  # one Run All, as a student does: it must not stop early

    code = [index for index, cell in enumerate(cells) if cell["cell_type"] == "code"]
    prompts = lab.prompts()
    unrun = [index for index in code if not prompts[index].strip("[]: ").isdigit()]
    assert not unrun, f"Run All stopped before cells {unrun} (prompts {[prompts[i] for i in unrun]})"
    errors = lab.stderr_outputs()
    graded = {index for index, cell in enumerate(cells) if _nbgrader(cell).get("grade")}
    unexpected = [(index, text) for index, text in errors
                  if index not in graded or "NotImplementedError" not in text]
    assert not unexpected, f"cells other than unfinished graded tests show errors: {unexpected}"
    silent = sorted(index for index in graded if cells[index]["cell_type"] == "code" and _code_lines(cells[index])
                    and index not in dict(errors))
    assert not silent, f"graded test cells {silent} pass with the exercises unfinished"
    failing_tests = {_nbgrader(cells[index])["grade_id"] for index, _ in errors}
    for exercise in (_nbgrader(cell)["grade_id"] for cell in cells
                     if _nbgrader(cell).get("solution") and cell["cell_type"] == "code"):
        assert any(grade_id.startswith(f"test_{exercise}") for grade_id in failing_tests), (
            f"no graded test cell of {exercise} shows NotImplementedError")
    page = lab.page
    expect(page.get_by_text("Error displaying widget")).to_have_count(0)
    lab.screenshot(f"{Path(notebook).stem}-run-all", lab.cells.nth(code[-1]))

    widgets = page.locator(".jp-OutputArea-output", has=page.locator(".widget-image"))
    names = [m.group(1) for i in code for m in [re.search(r"widgets\.(\w+)\(", "".join(cells[i]["source"]))] if m]
    expect(widgets).to_have_count(len(names))
    latencies = {}
    for w, explorer in enumerate(names):
        widget = widgets.nth(w)
        image = widget.locator(".widget-image")
        for slider in widget.locator(".widget-slider").all():
            name = slider.locator(".widget-label").inner_text()
            if slider.locator(".noUi-target[disabled]").count():
                continue  # a control that does not apply in the current setting
            handle = slider.locator(".noUi-handle")
            direction = {"key": "ArrowRight"}
            latencies[f"{explorer}: {name}"] = [
                lab.time_redraw(image, lambda: _press_towards_room(handle, direction), f"{explorer}: {name}")
                for _ in range(MOVES)]
        for group in widget.locator(".widget-toggle-buttons").all():
            name = group.locator(".widget-label").inner_text()
            buttons = group.locator("button").all()
            order = [b for b in buttons if "mod-active" not in (b.get_attribute("class") or "")]
            order += [b for b in buttons if b not in order]
            latencies[f"{explorer}: {name}"] = [lab.time_redraw(image, order[i % len(order)].click, f"{explorer}: {name}")
                                                for i in range(MOVES)]
        lab.screenshot(f"{Path(notebook).stem}-{explorer}-moved", widget)
    _record_latencies(lab.artifacts_dir, Path(notebook).stem, latencies)
    print({control: f"median {statistics.median(ms):.0f} ms, worst {max(ms):.0f} ms"
           for control, ms in latencies.items()})


def test_solved_notebook_passes_every_graded_cell(lab) -> None:
    cells = _cells(SOLVED)
    lab.open_notebook(SOLVED)
    _check_cell_count(lab, cells)

    lab.run_all_cells()

    assert lab.stderr_outputs() == [], "the solved notebook shows errors or warnings"
    graded_with_code = [index for index, cell in enumerate(cells)
                        if _nbgrader(cell).get("grade") and _code_lines(cell)]
    assert graded_with_code, "the solved notebook has no graded test cells"
    lab.screenshot("02-solved-graded-cell", lab.cells.nth(graded_with_code[0]))


def test_nbgrader_validate_button_passes_the_solved_notebook(lab) -> None:
    _cells(SOLVED)
    lab.open_notebook(SOLVED)

    validate = lab.page.locator(".jp-NotebookPanel-toolbar .validate-button")
    expect(validate).to_have_text("Validate")
    validate.click()

    dialog = lab.page.locator(".jp-Dialog")
    expect(dialog).to_contain_text("Validation Results", timeout=VALIDATION_TIMEOUT_MS)
    expect(dialog).to_contain_text("Success! Your notebook passes all the tests.")
    lab.screenshot("03-nbgrader-validate")
    dialog.get_by_role("button", name="Ok").click()
    expect(dialog).to_have_count(0)


def test_students_see_no_instructor_tools(lab) -> None:
    lab.open_notebook(START)
    page = lab.page
    expect(page.locator(".jp-NotebookPanel-toolbar .validate-button")).to_have_count(1)
    expect(page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader")).to_have_count(0)
    for text in ("Create Assignment", "Assignment List", "Course List", "Formgrader", "exchange"):
        expect(page.get_by_text(text)).to_have_count(0)
    commands = page.evaluate("() => Array.from(window.jupyterapp?.commands?.listCommands?.() ?? [])")
    assert commands, "JupyterLab's command registry is not reachable from the page"
    instructor = [c for c in commands if c.startswith("nbgrader:") and "validate" not in c]
    assert instructor == [], f"instructor commands are registered: {instructor}"
    lab.screenshot("04-start-page")


def test_a_held_arrow_key_draws_the_latest_value_without_a_backlog(lab) -> None:
    notebook = "notebooks/04-momentum/04-momentum.ipynb"
    lab.open_notebook(notebook)
    lab.run_all_cells()
    page = lab.page
    widget = page.locator(".jp-OutputArea-output", has=page.locator(".widget-image")).first
    slider = widget.locator(".widget-slider").nth(1)  # momentum α, from 0.90 in steps of 0.01
    handle = slider.locator(".noUi-handle")
    handle.focus()
    presses = 12
    for _ in range(presses):
        page.keyboard.press("ArrowLeft", delay=0)
    expect(slider.locator(".widget-readout")).to_have_text(re.compile(r"^0\.780?$"))
    lab.wait_for_idle_kernel()
    time.sleep(1.0)
    lab.cells.last.click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")  # a new cell below, as a student would add one
    page.keyboard.press("Enter")
    page.keyboard.type("import gc; from course.widgets import Explorer; "
                       "print([(e.draws, e.values['alpha']) for e in gc.get_objects() if isinstance(e, Explorer)])")
    page.keyboard.press("Shift+Enter")
    lab.wait_until_run_finished()
    printed = lab.cells.nth(lab.cells.count() - 2).locator(".jp-OutputArea-output").last.inner_text()
    draws = {round(alpha, 6): count for count, alpha in ast.literal_eval(printed.strip())}
    print(f"{presses} presses: {draws[0.78] - 1} pictures")
    assert 0.78 in draws, f"the last value drawn is not the last one pressed: {draws}"
    assert draws[0.78] - 1 < presses, "every press was drawn: moves are not coalesced"
