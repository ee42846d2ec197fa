"""Instructor pipeline: release, collect, autograde, feedback and grades with nbgrader.

The steps run nbgrader's Python API in this one process (one nbgrader start-up
instead of one CLI start per assignment and student), with the course layout from
``nbgrader_config.py`` in the course root:

    python -m grader release [ASSIGNMENT ...]    # solutions/ -> notebooks/
    python -m grader collect ARCHIVE.zip [--assignment A] [--roster CSV]
                                                 # LMS download -> grading/submitted
    python -m grader autograde [--jobs N] [--force] [--scheduler tcp://host:8786] [--unsafe]
                                                 # grading/submitted -> grading/autograded
    python -m grader feedback                    # -> grading/feedback/<student>/<assignment>/
    python -m grader grades                      # -> grading/grades.csv
    python -m grader report [--assignment A]     # -> grading/reports/index.html (grader.report)

Students' submissions in ``grading/submitted/<student>/<assignment>/`` (which
``collect`` fills from an LMS download, ``grader.collect``) are only read by the
grading steps, never modified.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Callable

from nbgrader.api import Gradebook
from nbgrader.apps.api import NbGraderAPI
from nbgrader.plugins import CsvExportPlugin
from sqlalchemy.exc import SAWarning
from traitlets.config.loader import PyFileConfigLoader

from grader import batch, report as class_report
from grader.preprocessors import TamperReport, clear_manual_scores
from grader.collect import CollectError, Report, Roster, collect_archive
from grader.sandbox import SandboxUnavailable, check_available

CONFIG_FILE = "nbgrader_config.py"

# nbgrader log lines that say nothing to act on: the checksum of every test cell with
# hidden tests "changes" (they are cut from the release; autograde restores them);
# --force replaces earlier output; nbconvert misses alt text on plots.
ROUTINE = re.compile(
    r"Attribute 'checksum' for cell \S+ has changed"
    r"|Removing existing assignment"
    r"|Alternative text is missing"
    r"|tamper: "  # printed together after the batch
)


class PipelineError(RuntimeError):
    """A pipeline step could not run, or some of its items failed."""


def _api(root: str | Path, unsafe: bool = False) -> NbGraderAPI:
    """Return an ``NbGraderAPI`` configured by ``<root>/nbgrader_config.py`` (with
    ``GradeExecute.sandbox = False`` if ``unsafe``).

    The venv's ``bin/`` is put on PATH first: a new gradebook runs ``alembic``
    through a subprocess.
    """
    root = Path(root).resolve()
    if not (root / CONFIG_FILE).is_file():
        raise PipelineError(
            f"no {CONFIG_FILE} in {root}: run this from the course repository root"
        )
    bindir = os.path.dirname(sys.executable)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
    config.NbGraderAPI.log_level = "WARN"
    if unsafe:
        config.GradeExecute.sandbox = False
    return NbGraderAPI(config=config)


def _folders(directory: Path) -> list[str]:
    """Names of the visible sub-folders of ``directory``, sorted."""
    if not directory.is_dir():
        return []
    return sorted(p.name for p in directory.iterdir() if p.is_dir() and not p.name.startswith("."))


def _course_path(api: NbGraderAPI, name: str) -> Path:
    """Absolute path of a course folder (``name`` is a CourseDirectory trait)."""
    coursedir = api.coursedir
    return Path(coursedir.root) / getattr(coursedir, name)


def _run(label: str, call: Callable[[], dict], failures: list[str]) -> None:
    """Run one nbgrader API call, print its outcome and record a failure."""
    start = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - start
    if result["success"]:
        print(f"  {label}: ok ({seconds:.1f} s)", flush=True)
    else:
        print(f"  {label}: FAILED ({seconds:.1f} s)", flush=True)
        failures.append(label)
    for line in result.get("log", "").splitlines():
        if not ROUTINE.search(line):
            print(f"    {line}")
    if not result["success"]:
        print("    " + result["error"].strip().replace("\n", "\n    "))


def _check(step: str, failures: list[str]) -> None:
    if failures:
        raise PipelineError(f"{step} failed for: {', '.join(failures)}")


def _uncommitted(root: Path, folders: list[Path]) -> list[str]:
    """Committed files under ``folders`` changed since (``[]`` outside a git checkout)."""
    try:
        diff = subprocess.run(
            ["git", "-C", str(root), "diff", "--name-only", "HEAD", "--", *map(str, folders)],
            capture_output=True, text=True, check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return []
    return diff.stdout.split()


def release(
    root: str | Path = ".", assignments: list[str] | None = None, overwrite: bool = False
) -> list[str]:
    """Generate the student notebooks ``notebooks/<a>/`` from ``solutions/<a>/``.

    nbgrader replaces solutions by stubs, removes hidden tests and outputs, locks
    cells and records the source (with hidden tests) in the gradebook, which
    autograding restores them from. Re-running it gives byte-identical files.

    A release notebook with uncommitted changes may hold someone's work (a student
    who worked in ``notebooks/``): it is not overwritten unless ``overwrite``.
    A folder with nothing graded in it (the start page) is released but not kept in
    the gradebook, so that it adds no empty rows to the grades.

    Returns the released assignment names.
    """
    api = _api(root)
    source = _course_path(api, "source_directory")
    available = _folders(source)
    names = available if assignments is None else list(assignments)
    if not names:
        raise PipelineError(f"no assignments found in {source}/<assignment>/")
    unknown = sorted(set(names) - set(available))
    if unknown:
        raise PipelineError(f"no such assignment in {source}: {', '.join(unknown)}")
    destination = _course_path(api, "release_directory")
    edited = _uncommitted(Path(api.coursedir.root), [destination / name for name in names])
    if edited and not overwrite:
        raise PipelineError(
            "not overwriting release notebooks with uncommitted changes (someone's work?): "
            f"{', '.join(edited)}; save them elsewhere, or release with --overwrite "
            "(make release OVERWRITE=1)"
        )
    print(f"release -> {destination}")
    failures: list[str] = []
    for name in names:
        _run(name, lambda: api.generate_assignment(name, force=True, create=True), failures)
    _check("release", failures)
    _forget_ungraded(api, names)
    return names


def _forget_ungraded(api: NbGraderAPI, names: list[str]) -> None:
    """Remove from the gradebook the released assignments that have nothing to grade."""
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        for name in names:
            assignment = gradebook.find_assignment(name)
            if not any(notebook.grade_cells or notebook.task_cells for notebook in assignment.notebooks):
                gradebook.remove_assignment(name)


def _student_assignments(directory: Path) -> list[tuple[str, str]]:
    """(student, assignment) pairs found as ``directory/<student>/<assignment>/``."""
    return [
        (student, assignment)
        for student in _folders(directory)
        for assignment in _folders(directory / student)
    ]


def autograde(
    root: str | Path = ".", jobs: int = 1, force: bool = False, scheduler: str | None = None,
    deadline: float = batch.DEADLINE, unsafe: bool = False,
) -> list[tuple[str, str]]:
    """Autograde the new and changed submissions in ``grading/submitted/<student>/<assignment>/``.

    ``grader.batch`` runs the batch: in ``jobs`` processes, or on the Dask cluster
    whose scheduler is at ``scheduler`` (a worker process grading one submission for
    more than ``deadline`` seconds is stopped); a submission graded before under the same
    assignment source, checks and configuration is skipped unless ``force``. Students
    are added to the gradebook on the way; a submission graded again has its old
    ``grading/autograded`` copy replaced. Test cells are restored from the gradebook,
    so the assignment must have been released here (``make release``) first. Missing or
    relabelled graded cells are put back, and manual scores on automatically graded
    cells cleared (``grader.preprocessors``); every change made to a submission is
    printed at the end and listed in the tamper report, ``grading/tamper-report.csv``,
    before a summary table (graded, skipped, failed, tampered, normalised, timed out,
    slowest). Cells whose nbgrader metadata only differs as another nbgrader version
    writes it (a test cell not marked locked, a task cell's points) are restored without a
    tamper-report row and counted in the table's "normalised" row.

    Each notebook runs in the sandbox of :mod:`grader.sandbox` and its graded test
    cells are judged outside it (:mod:`grader.verdict`); without bubblewrap this refuses
    to start, unless ``unsafe`` (students' code then runs as you, with your files).

    Returns the (student, assignment) pairs graded by this call.
    """
    api = _api(root, unsafe)
    if unsafe:
        print("warning: grading WITHOUT the sandbox: students' code runs as you and can read and "
              "change your files", file=sys.stderr)
    elif api.config.GradeExecute.get("sandbox", True):
        try:
            check_available()
        except SandboxUnavailable as error:
            raise PipelineError(str(error)) from None
    submitted = _course_path(api, "submitted_directory")
    pairs = _student_assignments(submitted)
    if not pairs:
        raise PipelineError(f"no submissions found in {submitted}/<student>/<assignment>/")
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        released = {assignment.name for assignment in gradebook.assignments}
    unreleased = sorted({a for _, a in pairs} - released)
    if unreleased:
        raise PipelineError(
            f"assignment(s) {', '.join(unreleased)} in {submitted} are not in the gradebook "
            f"{api.coursedir.db_url}: run `make release` first (or fix the folder name)"
        )
    print(f"autograde {submitted}", flush=True)
    try:
        graded = batch.run(api, functools.partial(_api, unsafe=unsafe), pairs, jobs=jobs, force=force,
                           scheduler=scheduler, deadline=deadline, show=_show)
    except batch.BatchError as error:
        raise PipelineError(str(error)) from None
    rows = _report_tampering(api, graded.graded_pairs)
    print(graded.summary(tampered=len(rows)))
    if graded.not_graded:
        raise PipelineError(
            f"autograde stopped: {len(graded.not_graded)} submission(s) not graded; "
            "run it again to grade them (graded ones are kept)"
        )
    _check("autograde", [outcome.task.label for outcome in graded.failed])
    return graded.graded_pairs


def _show(outcome: batch.Outcome) -> None:
    """Print a failed grading, and the log lines of a grading worth reading."""
    lines = [line for line in outcome.log.splitlines() if not ROUTINE.search(line)]
    if outcome.success and not lines:
        return
    verdict = "ok" if outcome.success else "FAILED"
    print(f"  {outcome.task.label}: {verdict} ({outcome.seconds:.1f} s)")
    for line in lines:
        print(f"    {line}")
    if not outcome.success:
        print("    " + outcome.error.strip().replace("\n", "\n    "))


def _report_tampering(api: NbGraderAPI, pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    """Clear manual scores that student code wrote during the batch; print the changes
    made to this batch's submissions (the tamper report) and return them."""
    report = TamperReport(config=api.config)
    late = clear_manual_scores(api.coursedir.db_url, api.coursedir.course_id, pairs)
    for student, assignment, notebook, cell, change in late:
        report.write(student, assignment, notebook, [(cell, change)], replace=False, log=False)
    graded = set(pairs)
    rows = [row for row in report.rows() if (row["student"], row["assignment"]) in graded]
    where = f" -> {report.path}" if report.path else ""
    if not rows:
        print(f"tamper report: no changes to submissions{where}")
        return rows
    print(f"tamper report: {len(rows)} change(s) to {len({(r['student'], r['assignment']) for r in rows})} "
          f"submission(s){where}")
    for row in rows:
        print(f"  {row['student']}/{row['assignment']}/{row['notebook']} {row['cell']}: {row['change']}")
    return rows


def feedback(root: str | Path = ".") -> list[tuple[str, str]]:
    """Write ``grading/feedback/<student>/<assignment>/<notebook>.html`` for every
    autograded submission (hidden tests removed, see ``nbgrader_config.py``).

    Returns the (student, assignment) pairs.
    """
    api = _api(root)
    autograded = _course_path(api, "autograded_directory")
    pairs = _student_assignments(autograded)
    if not pairs:
        raise PipelineError(
            f"no autograded submissions in {autograded}/<student>/<assignment>/: "
            "run `make autograde` first"
        )
    print(f"feedback -> {_course_path(api, 'feedback_directory')}")
    failures: list[str] = []
    for student, assignment in pairs:
        _run(
            f"{student}/{assignment}",
            lambda: api.generate_feedback(assignment, student, force=True),
            failures,
        )
    _check("feedback", failures)
    return pairs


def grades(root: str | Path = ".") -> Path:
    """Export every student's score per assignment to ``grading/grades.csv``.

    Returns the path of the CSV file.
    """
    api = _api(root)
    destination = Path(api.coursedir.root) / "grading" / "grades.csv"
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        CsvExportPlugin(parent=api, to=str(destination)).export(gradebook)
    rows = len(destination.read_text().splitlines()) - 1
    print(f"grades -> {destination} ({rows} rows: one per student and assignment)")
    return destination


def report(root: str | Path = ".", assignment: str | None = None) -> Path:
    """Write ``grading/reports/index.html``, one page per assignment (only ``assignment``
    if given) and ``report.csv``: scores, and the mistakes the checks named
    (:mod:`grader.report`). Returns the index page's path.

    Raises ``PipelineError`` when there is no gradebook or no such assignment.
    """
    api = _api(root)
    course = Path(api.coursedir.root)
    try:
        book = class_report.read(api.coursedir.db_url, course / batch.GRADING,
                                 [assignment] if assignment else None)
    except class_report.ReportError as error:
        raise PipelineError(str(error)) from None
    written = class_report.write(book, course / class_report.REPORTS)
    print("\n".join(class_report.lines(written)))
    return written.index


def collect(
    root: str | Path, archive: str | Path, assignment: str | None = None,
    roster: str | Path | None = None,
) -> Report:
    """Put each notebook of an LMS download (Canvas, Moodle) at
    ``grading/submitted/<student>/<assignment>/<assignment>.ipynb`` and print what was
    collected, replaced, left out and why (``grader.collect.collect_archive``).

    Raises ``PipelineError`` after collecting the rest when some notebook has no
    student or assignment.
    """
    api = _api(root)
    submitted = _course_path(api, "submitted_directory")
    try:
        report = collect_archive(
            archive, submitted, _folders(_course_path(api, "release_directory")),
            assignment, Roster.read(roster) if roster else None,
        )
    except CollectError as error:
        raise PipelineError(str(error)) from error
    print("\n".join(report.lines()))
    if report.unmatched:
        raise PipelineError(
            f"{len(report.unmatched)} notebook(s) not collected (listed above): "
            "give a roster (--roster) or the assignment (--assignment), or move them by hand"
        )
    return report


STEPS = {"release": release, "collect": collect, "autograde": autograde, "feedback": feedback,
         "grades": grades, "report": report}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m grader",
        description="Release, autograde, give feedback, export grades and report on a class with nbgrader.",
    )
    parser.add_argument("step", choices=STEPS)
    parser.add_argument(
        "assignments", nargs="*",
        help="release: only these assignments (default: all); collect: the archive (zip)",
    )
    parser.add_argument("--root", default=".", help=f"course root holding {CONFIG_FILE}")
    parser.add_argument(
        "--overwrite", action="store_true",
        help="release even over notebooks with uncommitted changes",
    )
    parser.add_argument(
        "--jobs", type=int, default=len(os.sched_getaffinity(0)),
        help="autograde: submissions graded at once, each in its own process "
        "(default: the number of cores, here %(default)s)",
    )
    parser.add_argument(
        "--force", action="store_true",
        help="autograde: grade every submission, even those unchanged since they were graded",
    )
    parser.add_argument(
        "--deadline", type=float, default=batch.DEADLINE, metavar="SECONDS",
        help="autograde: stop a worker process still grading one submission after SECONDS "
        "(default %(default)g)",
    )
    parser.add_argument(
        "--scheduler", metavar="ADDRESS",
        help="autograde: send the work to the Dask scheduler at ADDRESS (tcp://host:8786); "
        "its workers need the course folder at the same path (shared filesystem)",
    )
    parser.add_argument(
        "--unsafe", action="store_true",
        help="autograde without the sandbox (students' code runs as you, with your files)",
    )
    parser.add_argument("--assignment", help="collect: the assignment the archive holds; report: the one "
                        "assignment to report on (default: all)")
    parser.add_argument(
        "--roster", help="collect: CSV with columns student_id and lms_id and/or name"
    )
    args = parser.parse_args(argv)
    # nbgrader 0.9 triggers harmless SQLAlchemy 2 autoflush warnings while grading.
    warnings.filterwarnings("ignore", category=SAWarning, module="nbgrader")
    if args.assignments and args.step not in ("release", "collect"):
        parser.error(f"{args.step} takes no assignment names")
    if args.step == "collect" and len(args.assignments) != 1:
        parser.error("collect takes one archive: collect ARCHIVE.zip")
    if args.roster and args.step != "collect":
        parser.error("--roster is an option of collect")
    if args.assignment and args.step not in ("collect", "report"):
        parser.error("--assignment is an option of collect and report")
    try:
        if args.step == "release":
            release(args.root, args.assignments or None, overwrite=args.overwrite)
        elif args.step == "autograde":
            autograde(args.root, jobs=args.jobs, force=args.force, scheduler=args.scheduler,
                      deadline=args.deadline, unsafe=args.unsafe)
        elif args.step == "collect":
            collect(args.root, args.assignments[0], args.assignment, args.roster)
        elif args.step == "report":
            report(args.root, args.assignment)
        else:
            STEPS[args.step](args.root)
    except PipelineError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
