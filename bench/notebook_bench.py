"""Time the solution notebooks against their budgets: Run All, and each graded test cell.

Two budgets that the tests used to assert with a clock (issue 20: no test depends on
wall-clock time), reported here instead:

* **Run All** of each solution notebook, headless, as ``tests/test_notebooks.py``
  executes it (nbclient, kernel ``python3``, in the notebook's folder): budget one
  minute per notebook;
* **each graded test cell** (visible and hidden checks) run in process on the
  lecture's own solution, after its ``setup`` cell, as ``tests/test_mutants.py`` runs
  them: budget one second per cell (a check's time is what a student waits for, and
  what autograding pays per test cell).

Run from the repository root::

    python bench/notebook_bench.py                    # every lecture (~1 min on 2 cores)
    python bench/notebook_bench.py 03-sgd --no-run-all # the checks of one lecture only
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]
SOLUTIONS = REPO / "solutions"
#: Seconds for a whole notebook's Run All.
RUN_ALL_BUDGET = 60.0
#: Seconds for one graded test cell.
CELL_BUDGET = 1.0
START_PAGE = "00-start-here"


@dataclass
class Cell:
    """One graded test cell's time (seconds) on the lecture's solution."""

    lecture: str
    cell: str
    seconds: float
    failed: str | None


def lectures() -> list[str]:
    """The graded lectures (every folder of solutions/ but the start page)."""
    return sorted(p.name for p in SOLUTIONS.iterdir() if p.is_dir() and not p.name.startswith(".")
                  and p.name != START_PAGE)


def _read(lecture: str) -> nbformat.NotebookNode:
    return nbformat.read(SOLUTIONS / lecture / f"{lecture}.ipynb", as_version=4)


def _nbgrader(cell: nbformat.NotebookNode) -> dict:
    return cell.metadata.get("nbgrader", {})


def _python(source: str) -> str:
    return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))


def run_all(lecture: str) -> tuple[float, str | None]:
    """Seconds of a headless Run All of the lecture's solution notebook, and the error
    that stopped it, if any."""
    nb = _read(lecture)
    client = NotebookClient(nb, timeout=RUN_ALL_BUDGET, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(SOLUTIONS / lecture)}})
    start = time.perf_counter()
    failure = None
    try:
        client.execute()
    except Exception as error:  # a timeout or a dead kernel
        failure = f"{type(error).__name__}: {error}"
    return time.perf_counter() - start, failure


def graded_cells(lecture: str) -> list[Cell]:
    """Each graded test cell of the lecture, timed in process on the lecture's solution:
    the ``setup`` cell and every exercise's solution cell run first."""
    nb = _read(lecture)
    ns: dict = {"__name__": "__main__"}
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in nb.cells:
            meta = _nbgrader(cell)
            if cell.cell_type == "code" and (meta.get("grade_id") == "setup" or meta.get("solution")):
                exec(compile(_python(cell.source), f"{lecture}:{meta['grade_id']}", "exec"), ns)
    timed = []
    for cell in nb.cells:
        meta = _nbgrader(cell)
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        code = compile(_python(cell.source), f"{lecture}:{meta['grade_id']}", "exec")
        failed = None
        start = time.perf_counter()
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(code, ns)
        except Exception as exc:  # the solution fails its own test: reported, not timed as a pass
            failed = f"{type(exc).__name__}: {exc}"
        timed.append(Cell(lecture, meta["grade_id"], time.perf_counter() - start, failed))
    return timed


def report_run_all(rows: list[tuple[str, float, str | None]], out: TextIO) -> None:
    print(f"Run All of each solution notebook, headless (budget {RUN_ALL_BUDGET:g} s):", file=out)
    print(f"  {'lecture':<30}{'seconds':>9}  verdict", file=out)
    for lecture, seconds, failure in rows:
        verdict = failure or ("ok" if seconds <= RUN_ALL_BUDGET else "OVER BUDGET")
        print(f"  {lecture:<30}{seconds:>9.2f}  {verdict}", file=out)


def report_cells(cells: list[Cell], out: TextIO) -> None:
    print(f"Each graded test cell on the lecture's solution, in process (budget {CELL_BUDGET:g} s):", file=out)
    print(f"  {'lecture':<30}{'cells':>6}{'slowest cell':>32}{'seconds':>9}{'all cells':>11}  verdict", file=out)
    for lecture in dict.fromkeys(c.lecture for c in cells):
        mine = [c for c in cells if c.lecture == lecture]
        slowest = max(mine, key=lambda c: c.seconds)
        over = [c.cell for c in mine if c.seconds > CELL_BUDGET]
        failed = [c.cell for c in mine if c.failed]
        verdict = ("FAILED: " + ", ".join(failed)) if failed else ("OVER BUDGET: " + ", ".join(over)) if over else "ok"
        print(f"  {lecture:<30}{len(mine):>6}{slowest.cell:>32}{slowest.seconds:>9.3f}"
              f"{sum(c.seconds for c in mine):>11.3f}  {verdict}", file=out)


def main(argv: list[str] | None = None, out: TextIO = sys.stdout) -> tuple[list, list[Cell]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lectures", nargs="*", help="lectures to time (default: every graded lecture)")
    parser.add_argument("--no-run-all", action="store_true", help="time the graded test cells only")
    args = parser.parse_args(argv)
    names = args.lectures or lectures()
    unknown = sorted(set(names) - set(lectures()))
    if unknown:
        parser.error(f"no such lecture in solutions/: {', '.join(unknown)}")
    runs = [] if args.no_run_all else [(name, *run_all(name)) for name in names]
    cells = [cell for name in names for cell in graded_cells(name)]
    if runs:
        report_run_all(runs, out)
        print(file=out)
    report_cells(cells, out)
    return runs, cells


if __name__ == "__main__":
    main()
