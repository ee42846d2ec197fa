"""How long `make report` takes for a large class: a synthetic gradebook, then the report.

A synthetic class is written straight into a gradebook (no notebook is graded): the
course's real lectures (their exercises, graded test cells and points, read from
``solutions/``) and, for every student and lecture, a submission whose every exercise
passes, is unfinished, names one of the exercise's real mistake identifiers (the ones
``grader.report.catalog`` finds in ``course.checks``), passes the visible tests only
(the hidden ones name a mistake), fails without a known mistake, times out or crashes,
drawn at random from a seed; some students submit nothing, some submit without finishing
anything. Scores go into nbgrader's tables, outcomes into ``grader.diagnoses.TABLE``,
grading times into ``grading/autograde-state.jsonl`` and a few rows into the tamper
report, as autograding writes them.

    python bench/report_bench.py                         # 800 students x 8 lectures, SQLite
    python bench/report_bench.py --students 300 --lectures 3
    python bench/report_bench.py --db-url postgresql+psycopg://grader@/gradebook?host=/tmp/pg

It times ``python -m grader report`` (what ``make report`` runs: a fresh Python, imports
included) three times and prints the best and the median wall and CPU times, then the
parts of one run in this process (reading the gradebook, counting, pages with their
pictures).
:func:`make_class` also returns what it planted, which ``tests/test_report.py`` compares
with the report's CSV.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from grader import diagnoses, report  # noqa: E402  (the course root first on the path)

HIDDEN_TESTS = "### BEGIN HIDDEN TESTS"
#: The chance of each outcome of one exercise in a submission that was attempted.
CHANCES = {"pass": 0.55, "mistake": 0.27, "unfinished": 0.08, "fitted": 0.03, "unexplained": 0.04,
           "timed out": 0.015, "crashed": 0.015}
ABSENT, NOTHING_DONE = 0.04, 0.03  # a student submits nothing; submits without finishing anything


@dataclass
class Lecture:
    """A graded lecture: its exercises, graded test cells (name, exercise, hidden, points)
    and written answers (name, points)."""

    name: str
    exercises: list[str]
    tests: list[tuple[str, str, bool, float]]
    written: list[tuple[str, float]]


def lectures(repo: Path = REPO, count: int | None = None) -> list[Lecture]:
    """The graded lectures of ``solutions/`` (the first ``count``), read from their notebooks."""
    found = []
    for folder in sorted(p for p in (repo / "solutions").iterdir() if p.is_dir() and not p.name.startswith(".")):
        nb = nbformat.read(folder / f"{folder.name}.ipynb", as_version=4)
        meta = [(c, c.metadata.get("nbgrader", {})) for c in nb.cells]
        exercises = [m["grade_id"] for c, m in meta if m.get("solution") and c.cell_type == "code"]
        tests, written = [], []
        for cell, m in meta:
            if not m.get("grade"):
                continue
            if cell.cell_type == "code" and not m.get("solution"):
                exercise = diagnoses.exercise_of(m["grade_id"], exercises)
                if exercise is not None:
                    tests.append((m["grade_id"], exercise, HIDDEN_TESTS in cell.source, float(m["points"])))
            elif cell.cell_type == "markdown":
                written.append((m["grade_id"], float(m["points"])))
        if tests:
            found.append(Lecture(folder.name, exercises, tests, written))
    return found[:count]


@dataclass
class Planted:
    """What a synthetic class holds, counted as the report must count it: (assignment,
    section, exercise, item) -> (value, detail), for the rows of report.csv it determines."""

    rows: dict[tuple[str, str, str, str], tuple[int, str]] = field(default_factory=dict)
    submissions: int = 0
    outcome_rows: int = 0


def _mutant_ids() -> set[str]:
    """The mistake ids of tests/mutants/ (their '# mistake:' lines): the checks' ids that
    no Exercise lists (minibatches, glorot_uniform, nonlinear_cg, bfgs, …)."""
    found = set()
    for path in (REPO / "tests" / "mutants").glob("*/*.py"):
        for line in path.read_text(encoding="utf-8").splitlines()[:5]:
            if line.startswith("# mistake: ") and line != "# mistake: none":
                found.add(line[len("# mistake: "):].strip())
    return found


def _message(outcome: str, mistake: str | None, known: dict) -> str:
    """A failure's message as the checks word it (their diagnosis where it is known)."""
    if outcome == diagnoses.PASSED:
        return ""
    if mistake is None:
        return f"{outcome}: this matches none of the common mistakes the check knows"
    function, slug = mistake.split("/", 1)
    if mistake in known:
        return f"{function} gives wrong values.\nIt looks like {known[mistake].diagnosis}."
    return f"{function} {slug.replace('-', ' ')}."


def _uid() -> str:
    return uuid.uuid4().hex


def _draw_exercise(rng: np.random.Generator) -> str:
    kinds = list(CHANCES)
    return kinds[int(rng.choice(len(kinds), p=np.array(list(CHANCES.values())) / sum(CHANCES.values())))]


def make_class(root: Path, students: int, chosen: list[Lecture], seed: int = 0, db_url: str | None = None
               ) -> Planted:
    """Write a synthetic class into the gradebook ``db_url`` (default: the SQLite file
    ``root/grading/gradebook.db``) and ``root/grading/``; return what was planted."""
    from nbgrader.api import Base, Gradebook
    from sqlalchemy import create_engine

    grading = root / "grading"
    grading.mkdir(parents=True, exist_ok=True)
    db_url = db_url or f"sqlite:///{grading / 'gradebook.db'}"
    bindir = os.path.dirname(sys.executable)  # a new gradebook runs `alembic` through a subprocess
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    with Gradebook(db_url, "optim-dl"):
        pass  # nbgrader's schema and the course
    # Each exercise's mistakes, the likelier first: its own in the checks' order, then the
    # ones only mutants name, then those any exercise may have (in place, dtype, …).
    known = report.catalog()
    ids = defaultdict(list)
    for mistake in [*known, *sorted(_mutant_ids() - set(known))]:
        ids[mistake.split("/", 1)[0]].append(mistake)
    for function, found in ids.items():
        found.sort(key=lambda m: m.split("/", 1)[1] in report.GENERIC)
    rng = np.random.default_rng(seed)
    names = [f"s{i:04d}" for i in range(students)]
    t = Base.metadata.tables
    rows: dict[str, list[dict]] = defaultdict(list)
    outcomes, state, tamper = [], [], []
    planted = Planted()
    counts: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    now = datetime.datetime(2026, 1, 1)
    rows["student"] = [{"id": name} for name in names]
    for lecture in chosen:
        a_id, nb_id = _uid(), _uid()
        rows["assignment"].append({"id": a_id, "name": lecture.name, "course_id": "optim-dl"})
        rows["notebook"].append({"id": nb_id, "name": lecture.name, "assignment_id": a_id})
        cell_ids = {}
        for name, points, kind in ([(n, p, "code") for n, _, _, p in lecture.tests]
                                   + [(n, p, "markdown") for n, p in lecture.written]):
            cell_ids[name] = _uid()
            rows["base_cell"].append({"id": cell_ids[name], "name": name, "notebook_id": nb_id, "type": "GradeCell"})
            rows["grade_cells"].append({"id": cell_ids[name], "max_score": points, "cell_type": kind})
        for exercise in lecture.exercises:
            solution = _uid()
            rows["base_cell"].append({"id": solution, "name": exercise, "notebook_id": nb_id, "type": "SolutionCell"})
            rows["solution_cells"].append({"id": solution})
        key = lambda section, exercise, item: (lecture.name, section, exercise, item)  # noqa: E731
        for student in names:
            if rng.random() < ABSENT:
                continue
            planted.submissions += 1
            sa_id, sn_id = _uid(), _uid()
            rows["submitted_assignment"].append({"id": sa_id, "assignment_id": a_id, "student_id": student,
                                                 "timestamp": now})
            rows["submitted_notebook"].append({"id": sn_id, "assignment_id": sa_id, "notebook_id": nb_id,
                                               "flagged": False})
            nothing = rng.random() < NOTHING_DONE
            if nothing:
                counts[key("class", "", "submitted_nothing_done")].add(student)
            for exercise in lecture.exercises:
                kind = "unfinished" if nothing else _draw_exercise(rng)
                mistake = None
                if kind in ("mistake", "fitted"):
                    choices = ids.get(exercise) or [f"{exercise}/synthetic"]
                    weights = 1.0 / np.arange(1, len(choices) + 1)
                    mistake = choices[int(rng.choice(len(choices), p=weights / weights.sum()))]
                    counts[key("mistake", exercise, mistake)].add(student)
                if kind in ("pass", "fitted"):
                    counts[key("exercise", exercise, "pass_visible")].add(student)
                if kind == "pass":
                    counts[key("exercise", exercise, "pass_hidden_too")].add(student)
                if kind != "unfinished":
                    counts[key("exercise", exercise, "attempted")].add(student)
                for outcome in ("unfinished", "unexplained", "timed out", "crashed"):
                    if kind == outcome:
                        counts[key("exercise", exercise, outcome.replace(" ", "_"))].add(student)
                for cell, owner, hidden, points in lecture.tests:
                    if owner != exercise:
                        continue
                    outcome = {"pass": diagnoses.PASSED, "mistake": diagnoses.MISTAKE,
                               "fitted": diagnoses.MISTAKE if hidden else diagnoses.PASSED}.get(kind, kind)
                    if kind in ("timed out", "crashed"):
                        counts[key(kind.replace(" ", "_"), "", cell)].add(student)
                    outcomes.append({
                        "student": student, "assignment": lecture.name, "notebook": lecture.name, "cell": cell,
                        "exercise": exercise, "hidden": hidden, "outcome": outcome,
                        "mistake": mistake if outcome == diagnoses.MISTAKE else None,
                        "error": None if outcome == diagnoses.PASSED else "CheckFailed",
                        "message": _message(outcome, mistake, known),
                        "graded_at": now})
                    rows["grade"].append({"id": _uid(), "notebook_id": sn_id, "cell_id": cell_ids[cell],
                                          "auto_score": points if outcome == diagnoses.PASSED else 0.0,
                                          "manual_score": None, "needs_manual_grade": False})
            for cell, points in lecture.written:
                rows["grade"].append({"id": _uid(), "notebook_id": sn_id, "cell_id": cell_ids[cell], "auto_score": None,
                                      "manual_score": float(rng.integers(0, int(points) + 1)),
                                      "needs_manual_grade": False})
            state.append({"student": student, "assignment": lecture.name, "submission": "-", "grader": "-",
                          "seconds": round(float(rng.lognormal(2.0, 0.4)), 3)})
            if rng.random() < 0.01:
                cell = lecture.tests[0][0]
                tamper.append({"student": student, "assignment": lecture.name, "notebook": lecture.name,
                               "cell": cell, "change": "graded cell missing (deleted, or its label changed): "
                                                       "put back and graded"})
                counts[key("tampered", "", cell)].add(student)
        counts[key("tampered", "", "rows")] |= {r["student"] for r in tamper if r["assignment"] == lecture.name}
    engine = create_engine(db_url)
    diagnoses.ensure_table(engine)
    with engine.begin() as connection:
        for table in ("student", "assignment", "notebook", "base_cell", "grade_cells", "solution_cells",
                      "submitted_assignment", "submitted_notebook", "grade"):
            if rows[table]:
                connection.execute(t[table].insert(), rows[table])
        connection.execute(diagnoses.TABLE.insert(), outcomes)
    engine.dispose()
    (grading / "autograde-state.jsonl").write_text("".join(json.dumps(r) + "\n" for r in state))
    with open(grading / "tamper-report.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, ("student", "assignment", "notebook", "cell", "change"))
        writer.writeheader()
        writer.writerows(tamper)
    planted.outcome_rows = len(outcomes)
    # report.csv names the students of a mistake, a failure, a timeout…; not those who pass
    unnamed = ("pass_visible", "pass_hidden_too", "attempted")
    planted.rows = {k: (len(v), "" if k[3] in unnamed else " ".join(sorted(v))) for k, v in counts.items()}
    for lecture in chosen:  # rows the report writes even when nothing was planted
        for exercise in lecture.exercises:
            for item in ("pass_visible", "pass_hidden_too", "attempted", "unfinished", "unexplained",
                         "timed_out", "crashed"):
                planted.rows.setdefault((lecture.name, "exercise", exercise, item), (0, ""))
        planted.rows.setdefault((lecture.name, "class", "", "submitted_nothing_done"), (0, ""))
        planted.rows.setdefault((lecture.name, "tampered", "", "rows"), (0, ""))
    return planted


def course_root(folder: Path) -> Path:
    """A course root for ``python -m grader report --root``: the nbgrader configuration."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "nbgrader_config.py", folder)
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=800)
    parser.add_argument("--lectures", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--db-url", help="a gradebook server (an empty database); default: SQLite")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    chosen = lectures(REPO, args.lectures)
    with tempfile.TemporaryDirectory(prefix="report-bench-") as scratch:
        root = course_root(Path(scratch) / "course")
        start = time.perf_counter()
        planted = make_class(root, args.students, chosen, args.seed, args.db_url)
        print(f"synthetic class: {args.students} students x {len(chosen)} lectures, {planted.submissions} "
              f"submissions, {planted.outcome_rows} test-cell outcomes (written in "
              f"{time.perf_counter() - start:.1f} s)", flush=True)
        env = {**os.environ, "MPLBACKEND": "Agg"}
        if args.db_url:
            env["COURSE_DB_URL"] = args.db_url
        else:
            env.pop("COURSE_DB_URL", None)
        times, cpu = [], []
        for _ in range(args.repeats):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "grader", "report", "--root", str(root)], cwd=REPO, env=env,
                           check=True, stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        print(f"python -m grader report: wall time best {min(times):.2f} s, median {statistics.median(times):.2f} s; "
              f"CPU time best {min(cpu):.2f} s, median {statistics.median(cpu):.2f} s ({len(times)} runs; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
        db_url = args.db_url or f"sqlite:///{root / 'grading' / 'gradebook.db'}"
        start = time.perf_counter()
        book = report.read(db_url, root / "grading")
        read = time.perf_counter() - start
        known = report.catalog()
        start = time.perf_counter()
        for name in book.assignments:
            report.summarize(book, name)
        counting = time.perf_counter() - start
        start = time.perf_counter()
        written = report.write(book, root / "grading" / "reports", known)
        pages = time.perf_counter() - start - counting
        size = sum(p.stat().st_size for p in [written.index, *written.pages]) / 1e6
        print(f"  of which, in this process: read {read:.2f} s, counting {counting:.2f} s, pages and pictures "
              f"{pages:.2f} s ({len(written.pages) + 1} pages, {size:.1f} MB); the rest is Python's start and "
              "imports (nbgrader_config.py, matplotlib, course.checks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
