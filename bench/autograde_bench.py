"""Time autograding a class: plain nbgrader against ``grader.batch``, and class size.

Every run grades lecture 03 (``03-sgd``, a cheap assignment) in its own copy of the
course, released once; the simulated students take turns submitting the solutions and
the solutions with ``sgd_step``'s sign error (tests/mutants). Two parts, in one run:

comparison (``--students``, default 16)
    the same submissions graded by
    * **nbgrader**: a loop over ``api.autograde(assignment, student)`` in one process with
      nbgrader's default autograde preprocessors (what ``nbgrader autograde`` does);
    * **jobs=1**: ``grader.cli.autograde(root, jobs=1, force=True)``, in process;
    * **jobs=2**: the same with two worker processes;
    * **dask**: the same on a ``distributed.LocalCluster`` of 2 single-threaded worker
      processes.
    Each is timed whole (planning, grading, tamper report, summary) and reported per
    notebook and as ratios to jobs=1, measured in this run.
scaling (``--scale``, default 50 200 800; ``--sample``, default 50)
    jobs=2 on classes of 50, 200 and 800 students. A class up to ``--full`` students
    (default 200) is graded whole. A larger class is set up as if graded before (every
    student in the gradebook with a submission, its autograded folder and its state
    line, made by this script, not by grading) except ``--sample`` students whose
    submissions are new: the batch plans over the whole class and grades the sample. Its
    per-notebook figure is that batch's time over the sample, so it carries the planning
    of the whole class. For each class the time of a rerun that grades nothing (planning
    only) is also reported.

Run from the repository root::

    python bench/autograde_bench.py                        # ~20 min on 2 cores
    python bench/autograde_bench.py --students 4 --scale   # comparison only, a smoke run
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence, TextIO

import nbformat
from nbgrader.api import Gradebook
from nbgrader.apps.api import NbGraderAPI
from sqlalchemy.exc import SAWarning

from grader import batch, cli

REPO = Path(__file__).resolve().parents[1]
A = "03-sgd"
MUTANT = REPO / "tests" / "mutants" / "sgd_step" / "sign_error.py"
SOLUTION_MARKER = "### BEGIN SOLUTION", "### END SOLUTION"


@dataclass
class Timing:
    """One timed batch; ``cpu``: CPU seconds of this process and its kernels (in-process
    runs only, else None)."""

    label: str
    students: int
    graded: int
    seconds: float
    cpu: float | None = None

    @property
    def per_notebook(self) -> float:
        return self.seconds / self.graded


def _released(workdir: Path) -> Path:
    """A course folder with lecture 03 released (the template every run copies)."""
    root = workdir / "template"
    root.mkdir()
    shutil.copy(REPO / "nbgrader_config.py", root)
    shutil.copytree(REPO / "solutions" / A, root / "solutions" / A, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    with contextlib.redirect_stdout(io.StringIO()):
        cli.release(root, [A])
    return root


def _submissions(template: Path) -> list[str]:
    """The two submissions students take turns with: solved, and solved with a mistake."""
    solution = nbformat.read(template / "solutions" / A / f"{A}.ipynb", as_version=4)
    released = nbformat.read(template / "notebooks" / A / f"{A}.ipynb", as_version=4)
    answers = {}
    for cell in solution.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            lines = [l for l in cell.source.splitlines() if l.strip() not in SOLUTION_MARKER]
            answers[meta["grade_id"]] = "\n".join(lines)
    texts = []
    for mistake in ({}, {"sgd_step": MUTANT.read_text()}):
        nb = nbformat.from_dict(released)
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if cell.metadata.get("nbgrader", {}).get("solution"):
                cell.source = {**answers, **mistake}[grade_id]
        texts.append(nbformat.writes(nb))
    return texts


def _class(template: Path, destination: Path, students: int, texts: list[str]) -> Path:
    """A copy of the released course with ``students`` submissions."""
    shutil.copytree(template, destination)
    for index in range(students):
        folder = destination / "grading" / "submitted" / f"s{index:05d}" / A
        folder.mkdir(parents=True)
        (folder / f"{A}.ipynb").write_text(texts[index % len(texts)])
    return destination


def _pairs(root: Path) -> list[tuple[str, str]]:
    return [(p.name, A) for p in sorted((root / "grading" / "submitted").iterdir())]


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the kernels it ran)."""
    return sum(u.ru_utime + u.ru_stime for u in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))


def _quiet(call: Callable[[], object]) -> tuple[float, float]:
    """(seconds, CPU seconds) ``call`` takes, its printing swallowed."""
    start, cpu = time.perf_counter(), _cpu()
    with contextlib.redirect_stdout(io.StringIO()):
        call()
    return time.perf_counter() - start, _cpu() - cpu


def plain_nbgrader(root: Path) -> None:
    """nbgrader's own autograde, one submission after the other, its default preprocessors."""
    config = cli._api(root).config
    config.Autograde.pop("sanitize_preprocessors", None)
    config.Autograde.pop("autograde_preprocessors", None)
    api = NbGraderAPI(config=config)
    for student, assignment in _pairs(root):
        result = api.autograde(assignment, student, force=True, create=True)
        if not result["success"]:
            raise RuntimeError(f"nbgrader failed on {student}: {result.get('error')}")


def on_dask(root: Path, workers: int) -> None:
    from distributed import LocalCluster  # only this part needs it

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        cli.autograde(root, force=True, scheduler=cluster.scheduler_address)


def compare(template: Path, workdir: Path, students: int, texts: list[str], out: TextIO) -> list[Timing]:
    runs: list[tuple[str, Callable[[Path], None], bool]] = [
        ("nbgrader", plain_nbgrader, True),
        ("jobs=1", lambda root: cli.autograde(root, jobs=1, force=True), True),
        ("jobs=2", lambda root: cli.autograde(root, jobs=2, force=True), False),
        ("dask (2 workers)", lambda root: on_dask(root, 2), False),
    ]
    timings = []
    print(f"\ncomparison: {students} submissions of {A}", file=out)
    print(f"{'run':<18}{'total s':>9}{'s/notebook':>12}{'jobs=1 / run':>14}{'cores busy':>12}", file=out)
    for label, run, in_process in runs:
        root = _class(template, workdir / label.split()[0].replace("=", ""), students, texts)
        seconds, cpu = _quiet(lambda: run(root))
        timings.append(Timing(label, students, students, seconds, cpu if in_process else None))
        shutil.rmtree(root)
    serial = next(t for t in timings if t.label == "jobs=1")
    for t in timings:
        busy = f"{t.cpu / t.seconds:>12.2f}" if t.cpu is not None else f"{'':>12}"
        print(f"{t.label:<18}{t.seconds:>9.1f}{t.per_notebook:>12.2f}{serial.seconds / t.seconds:>14.2f}{busy}", file=out)
    return timings


def _as_if_graded(root: Path, graded: list[str]) -> None:
    """Put ``graded`` students in the gradebook, autograded/ and the state file as if
    they had been graded before (no grading is done)."""
    api = cli._api(root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        for student in graded:
            gradebook.add_student(student)
            gradebook.add_submission(A, student)
    tasks, _ = batch.plan(api, [(s, A) for s in graded], batch.State(root / "none"), force=True)
    state = batch.State(root / "grading" / batch.STATE_FILE)
    for task in tasks:
        folder = root / "grading" / "autograded" / task.student / A
        folder.mkdir(parents=True)
        shutil.copy(root / "grading" / "submitted" / task.student / A / f"{A}.ipynb", folder)
        state.record(batch.Outcome(task, True, 0.0))


def scale(template: Path, workdir: Path, sizes: Sequence[int], full: int, sample: int, texts: list[str],
          out: TextIO) -> list[Timing]:
    timings = []
    print("\nscaling: jobs=2", file=out)
    print(f"{'students':>9}{'graded':>8}{'total s':>9}{'s/notebook':>12}{'rerun s':>9}", file=out)
    for students in sizes:
        root = _class(template, workdir / f"class{students}", students, texts)
        graded = students if students <= full else sample
        _as_if_graded(root, [student for student, _ in _pairs(root)][graded:])
        timing = Timing(f"{students}", students, graded, _quiet(lambda: cli.autograde(root, jobs=2))[0])
        rerun = _quiet(lambda: cli.autograde(root, jobs=2))[0]
        timings.append(timing)
        print(f"{students:>9}{graded:>8}{timing.seconds:>9.1f}{timing.per_notebook:>12.2f}{rerun:>9.2f}", file=out, flush=True)
        shutil.rmtree(root)
    return timings


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> tuple[list[Timing], list[Timing]]:
    parser = argparse.ArgumentParser(description="Time autograding a class: nbgrader, jobs=1, jobs=2, Dask; class size.")
    parser.add_argument("--students", type=int, default=16, help="submissions in the comparison (default 16)")
    parser.add_argument("--scale", type=int, nargs="*", default=[50, 200, 800],
                        help="class sizes graded with jobs=2 (default 50 200 800; none: skip)")
    parser.add_argument("--full", type=int, default=200, help="largest class graded whole (default 200)")
    parser.add_argument("--sample", type=int, default=50, help="submissions graded in a larger class (default 50)")
    args = parser.parse_args(argv)
    if args.students < 1 or args.sample < 1:
        parser.error("--students and --sample must be at least 1")
    out = out or sys.stdout
    # nbgrader 0.9 triggers harmless SQLAlchemy 2 autoflush warnings while grading.
    warnings.filterwarnings("ignore", category=SAWarning, module="nbgrader")
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", file=out)
    with tempfile.TemporaryDirectory(prefix="autograde-bench-") as tmp:
        workdir = Path(tmp)
        template = _released(workdir)
        texts = _submissions(template)
        comparison = compare(template, workdir, args.students, texts, out)
        scaling = scale(template, workdir, args.scale, args.full, args.sample, texts, out)
    by = {t.label: t for t in comparison}
    serial = by["jobs=1"]
    busy = serial.cpu / serial.seconds
    bound = (f"jobs=1 kept {busy:.2f} cores busy, so {os.cpu_count()} idle cores allow at most "
             f"{os.cpu_count() / busy:.2f}" if busy > 0.5 else
             "the sandboxed kernels' CPU time does not reach this process, so the cores kept busy are not known")
    print(f"\njobs=2 speed-up over jobs=1: {serial.seconds / by['jobs=2'].seconds:.2f} (goal >= 1.7 on 2 cores; "
          f"{bound})", file=out)
    print(f"jobs=1 / nbgrader per notebook: {serial.per_notebook / by['nbgrader'].per_notebook:.2f} (goal <= 1)", file=out)
    print(f"load average now {' '.join(f'{x:.2f}' for x in os.getloadavg())}", file=out)
    return comparison, scaling


if __name__ == "__main__":
    main()
