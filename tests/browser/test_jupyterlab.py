"""Lecture 04 in JupyterLab, as a student uses it, in a real browser.

1. The released notebook runs top to bottom: the explorer widget redraws its plot when
   its slider moves, and only the graded test cells fail, with NotImplementedError.
2. With the solutions filled in, every cell (graded tests included) runs without error.
3. nbgrader's lab extension is there: its Validate button passes the solved notebook.

Screenshots of each step land in ``test-artifacts/browser/``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

REPO = Path(__file__).resolve().parents[2]
RELEASED = "notebooks/04-momentum/04-momentum.ipynb"
SOLVED = "solutions/04-momentum/04-momentum.ipynb"
VALIDATION_TIMEOUT_MS = 120_000
REDRAW_TIMEOUT_MS = 30_000


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


def test_released_notebook_runs_and_its_widget_responds(lab) -> None:
    cells = _cells(RELEASED)
    lab.open_notebook(RELEASED)
    _check_cell_count(lab, cells)

    lab.run_all_past_errors()

    errors = lab.stderr_outputs()
    graded = {index for index, cell in enumerate(cells) if _nbgrader(cell).get("grade")}
    unexpected = [(index, text) for index, text in errors
                  if index not in graded or "NotImplementedError" not in text]
    assert not unexpected, f"cells other than unfinished graded tests show errors: {unexpected}"
    failing_tests = {_nbgrader(cells[index])["grade_id"] for index, _ in errors}
    exercises = [_nbgrader(cell)["grade_id"] for cell in cells if _nbgrader(cell).get("solution")]
    assert exercises, "the released notebook has no exercise (solution) cells"
    for exercise in exercises:
        assert any(grade_id.startswith(f"test_{exercise}") for grade_id in failing_tests), (
            f"no graded test cell of {exercise} shows NotImplementedError")
    lab.screenshot("01-released-not-implemented", lab.cells.nth(errors[0][0]))

    page = lab.page
    expect(page.get_by_text("Error displaying widget")).to_have_count(0)
    widget = page.locator(".jp-OutputArea-output", has=page.locator(".widget-slider")).first
    expect(widget).to_be_visible()
    expect(widget.locator("img").first).to_be_visible()
    images_before = lab.image_sources(widget)
    slider = widget.locator(".widget-slider").first
    readout = slider.locator(".widget-readout")
    value_before = readout.inner_text()
    lab.screenshot("01-released-widget-before", widget)

    handle = slider.locator(".noUi-handle")
    handle.focus()
    for _ in range(3):
        handle.press("ArrowRight")
    if readout.inner_text() == value_before:  # the slider started at its maximum
        for _ in range(6):
            handle.press("ArrowLeft")
    expect(readout).not_to_have_text(value_before)
    try:
        page.wait_for_function(
            """([widget, before]) => {
                   const now = Array.from(widget.querySelectorAll('img'), img => img.src);
                   return now.length > 0 && JSON.stringify(now) !== JSON.stringify(before);
               }""",
            arg=[widget.element_handle(), images_before],
            timeout=REDRAW_TIMEOUT_MS,
        )
    except PlaywrightTimeoutError:
        pytest.fail(f"moving the slider from {value_before} to {readout.inner_text()} did not "
                    f"redraw the widget's plot within {REDRAW_TIMEOUT_MS / 1000:.0f} s")
    lab.wait_for_idle_kernel()
    lab.wait_for_images_to_settle(widget)
    lab.screenshot("01-released-widget-after", widget)


def test_solved_notebook_passes_every_graded_cell(lab) -> None:
    cells = _cells(SOLVED)
    lab.open_notebook(SOLVED)
    _check_cell_count(lab, cells)

    stopped_at = lab.run_all_past_errors()

    assert lab.stderr_outputs() == [], "the solved notebook shows errors or warnings"
    assert stopped_at == []
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
