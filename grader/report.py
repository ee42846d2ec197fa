"""What did my class get wrong? A report of every assignment, from the gradebook.

``make report`` (``python -m grader report [--assignment A]``) reads the gradebook (its
scores, and the outcome of every graded test cell that :mod:`grader.diagnoses` recorded
while autograding: the mistakes the checks named), the tamper report and the autograde
state (seconds per submission), and writes into ``grading/reports/``:

* ``<assignment>.html`` per assignment: the score distribution (a histogram), mean,
  median and the share who did not attempt; per exercise, how many pass the visible
  tests and how many the hidden ones too (the gap: students fitting the visible tests);
  the mistakes the checks named per exercise, counted and as a share of the
  submissions, largest first, each with what the check said, a line for the lecture
  and the students who made it; timeouts, crashes, tamper-report rows and the slowest
  submissions;
* ``index.html``: every assignment side by side (mean score, the hardest exercise, the
  most common mistake), linking to the pages;
* ``report.csv``: the same numbers, one row each.

Pages are self-contained: pictures are PNG data URIs, styles inline, no JavaScript, and a
Content-Security-Policy that lets a page load nothing but its own pictures, so they read
offline and can be mailed. A gradebook with nothing graded yet, an assignment nobody
submitted and a gradebook graded before the outcomes were recorded are said plainly.
"""

from __future__ import annotations

import base64
import csv
import datetime
import html
import importlib
import io
import json
import os
import pkgutil
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from sqlalchemy import create_engine, func, inspect, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from grader.diagnoses import CRASHED, ERROR, FAILED, PASSED, TABLE, TIMEOUT, UNEXPLAINED, UNFINISHED

#: Folder of the course root the report is written to.
REPORTS = Path("grading") / "reports"
#: Bins of the score histogram.
BINS = 10
#: Slowest submissions listed per assignment.
SLOWEST = 5
#: Columns of report.csv.
CSV_FIELDS = ("assignment", "section", "exercise", "item", "value", "share", "detail")

#: One line for the lecture about the mistakes any exercise's check may name (by slug).
GENERIC = {
    "in-place": "`x -= …` or `x[…] = …` changes the caller's array (NumPy passes arrays by reference): "
                "an update returns new arrays and leaves its inputs alone.",
    "calls-reference": "the function calls the course's own implementation instead of computing it.",
    "missing-return": "the function ends without `return` (it returns None).",
    "wrong-return-type": "the function returns another kind of value than its docstring promises "
                         "(a list for an array, one value for a tuple, a float for an int or a bool).",
    "wrong-shape": "the returned array has another shape than the input it corresponds to.",
    "wrong-dtype": "NumPy scalars (np.float64(…), np.sqrt of a Python number) turn float32 arrays into "
                   "float64; Python numbers keep the inputs' dtype.",
    "swapped-returns": "the values are returned in another order than the docstring's.",
    "default-changed": "the def line's default of a parameter was changed.",
}


# ------------------------------------------------------------------ reading


class ReportError(RuntimeError):
    """The report cannot be made (no gradebook, an unknown assignment)."""


@dataclass
class Outcome:
    """One graded test cell of one submission (a row of grader.diagnoses.TABLE)."""

    student: str
    cell: str
    exercise: str | None
    hidden: bool
    outcome: str
    mistake: str | None
    error: str | None


@dataclass
class Gradebook:
    """What the report needs from the gradebook, the tamper report and the state file."""

    where: str
    assignments: list[str]
    students: int
    max_scores: dict[str, float]
    scores: dict[str, dict[str, float]]  # assignment -> student -> score
    outcomes: dict[str, list[Outcome]]  # assignment -> rows, in notebook order
    messages: dict[str, str]  # mistake id -> a message that named it
    recorded: bool  # whether the gradebook has the outcome table
    tamper: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    seconds: dict[str, dict[str, float]] = field(default_factory=dict)


def _describe(db_url: str) -> str:
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        return f"the SQLite gradebook {url.database}"
    return f"the {url.get_backend_name()} gradebook {url.database} on {url.host or 'a local socket'}"


def read(db_url: str, grading: Path, wanted: Sequence[str] | None = None) -> Gradebook:
    """Read the gradebook at ``db_url`` (and ``grading/``'s tamper report and autograde
    state) for the assignments ``wanted`` (all if None).

    Raises ReportError when there is no gradebook, it cannot be read (a server that does
    not answer), or an assignment ``wanted`` is not in it.
    """
    url = make_url(db_url)
    where = _describe(db_url)
    if url.get_backend_name() == "sqlite" and not (url.database and Path(url.database).is_file()):
        raise ReportError(f"there is no gradebook yet ({where} does not exist): "
                          "run `make release` and `make autograde` first")
    engine = create_engine(db_url)
    try:
        book = _read(engine, where, wanted)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise ReportError(f"cannot read {where}: {reason}") from None
    finally:
        engine.dispose()
    book.tamper = _tamper_rows(grading / "tamper-report.csv", book.assignments)
    book.seconds = _seconds(grading / "autograde-state.jsonl", book.assignments)
    return book


def _read(engine: Engine, where: str, wanted: Sequence[str] | None) -> Gradebook:
    """The scores and recorded outcomes of the gradebook behind ``engine``."""
    from nbgrader.api import Assignment, Grade, Student, SubmittedAssignment, SubmittedNotebook

    tables = set(inspect(engine).get_table_names())
    if "assignment" not in tables:
        raise ReportError(f"{where} holds no nbgrader gradebook: run `make release` and `make autograde` first")
    with Session(engine) as session:
        released = [name for (name,) in session.execute(select(Assignment.name).order_by(Assignment.name))]
        unknown = sorted(set(wanted or ()) - set(released))
        if unknown:
            raise ReportError(f"no assignment {', '.join(unknown)} in {where} "
                              f"(it has {', '.join(released) or 'none'})")
        names = [name for name in released if wanted is None or name in wanted]
        max_scores = {name: float(score or 0.0) for name, score in
                      session.execute(select(Assignment.name, Assignment.max_score)) if name in names}
        students = session.scalar(select(func.count()).select_from(Student)) or 0
        scores: dict[str, dict[str, float]] = {name: {} for name in names}
        query = (select(Assignment.name, SubmittedAssignment.student_id, func.coalesce(func.sum(Grade.score), 0.0))
                 .select_from(SubmittedAssignment)
                 .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
                 .outerjoin(SubmittedNotebook, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
                 .outerjoin(Grade, Grade.notebook_id == SubmittedNotebook.id)
                 .where(Assignment.name.in_(names))
                 .group_by(Assignment.name, SubmittedAssignment.student_id))
        for name, student, score in session.execute(query):
            scores[name][student] = float(score)
    recorded = TABLE.name in tables
    outcomes, messages = _outcomes(engine, names, scores) if recorded else ({n: [] for n in names}, {})
    return Gradebook(where, names, int(students), max_scores, scores, outcomes, messages, recorded)


def _outcomes(engine: Engine, names: list[str], scores: dict[str, dict[str, float]]
              ) -> tuple[dict[str, list[Outcome]], dict[str, str]]:
    """The recorded outcomes of the submissions still in the gradebook, and one message
    per mistake identifier."""
    t = TABLE.c
    rows: dict[str, list[Outcome]] = {name: [] for name in names}
    query = (select(t.assignment, t.student, t.cell, t.exercise, t.hidden, t.outcome, t.mistake, t.error)
             .where(t.assignment.in_(names)).order_by(t.id))
    with engine.connect() as connection:
        for assignment, student, cell, exercise, hidden, outcome, mistake, error in connection.execute(query):
            if student in scores[assignment]:  # a submission removed from the gradebook: not counted
                rows[assignment].append(Outcome(student, cell, exercise, bool(hidden), outcome, mistake, error))
        messages = {mistake: message or "" for mistake, message in connection.execute(
            select(t.mistake, func.min(t.message)).where(t.assignment.in_(names), t.mistake.is_not(None))
            .group_by(t.mistake))}
    return rows, messages


def _tamper_rows(path: Path, names: list[str]) -> dict[str, list[dict[str, str]]]:
    found: dict[str, list[dict[str, str]]] = {name: [] for name in names}
    if path.is_file():
        with open(path, newline="", encoding="utf-8") as file:
            for row in csv.DictReader(file):
                if row.get("assignment") in found:
                    found[row["assignment"]].append(row)
    return found


def _seconds(path: Path, names: list[str]) -> dict[str, dict[str, float]]:
    """assignment -> student -> seconds its last grading took (grading/autograde-state.jsonl)."""
    found: dict[str, dict[str, float]] = {name: {} for name in names}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
                if record["assignment"] in found:
                    found[record["assignment"]][record["student"]] = float(record["seconds"])
            except (ValueError, KeyError, TypeError):
                continue
    return found


# ------------------------------------------------------------------ what the checks say


@dataclass(frozen=True)
class Known:
    """What the checks say of a mistake: its diagnosis and the exercise's formula."""

    diagnosis: str
    formula: str = ""


def catalog() -> dict[str, Known]:
    """Every mistake of the checks of :mod:`course.checks`, by identifier."""
    import course.checks
    from course.checks.common import Exercise

    found: dict[str, Known] = {}
    for info in pkgutil.walk_packages(course.checks.__path__, "course.checks."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, Exercise):
                for mistake in value.known_mistakes:
                    if mistake.slug:
                        found.setdefault(f"{value.name}/{mistake.slug}", Known(mistake.diagnosis, value.formula))
    return found


def _split(diagnosis: str) -> tuple[str, str]:
    """A diagnosis as (what it is, why: the rest after its first ': ' or '; ' outside brackets)."""
    depth = 0
    for i, char in enumerate(diagnosis):
        depth += char in "([{"
        depth -= char in ")]}"
        if depth == 0 and char in ":;" and diagnosis[i + 1:i + 2] == " ":
            return diagnosis[:i], diagnosis[i + 2:]
    return diagnosis, ""


def _message_of(stored: str) -> str:
    """The diagnosis part of a stored failure message: what follows its "It looks like"
    (to the end of that line) if any, else its first paragraph, without examples."""
    lines = [line for line in stored.splitlines() if line.strip()]
    for line in lines:
        if "It looks like " in line:
            return line.split("It looks like ", 1)[1].rstrip(".")
    kept = []
    for line in lines:
        if line.startswith(("Example", "  ", "Seen ", "(A hidden test", "With shape")):
            break
        kept.append(line)
    return " ".join(kept)


def explain(mistake: str, known: dict[str, Known], stored: str = "") -> tuple[str, str]:
    """(what the check said, a line for the lecture) about the mistake ``mistake``."""
    slug = mistake.split("/", 1)[-1]
    entry = known.get(mistake)
    text = entry.diagnosis if entry else _message_of(stored)
    what, why = _split(text)
    if slug in GENERIC:
        return text, GENERIC[slug]
    if not why and entry and entry.formula:
        why = f"the rule: {entry.formula}"
    return what, why or "—"


# ------------------------------------------------------------------ counting


@dataclass
class ExerciseCounts:
    name: str
    visible: int = 0  # submissions passing every visible test cell of the exercise
    hidden_too: int = 0  # … and every hidden one
    attempted: int = 0
    outcomes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # outcome -> students
    mistakes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # mistake id -> students

    @property
    def gap(self) -> int:
        return self.visible - self.hidden_too


@dataclass
class Summary:
    """The numbers of one assignment's page."""

    name: str
    students: int
    max_score: float
    scores: dict[str, float]
    recorded: int  # submissions with recorded outcomes
    nothing_done: list[str]  # submitted, every exercise unfinished
    exercises: list[ExerciseCounts]
    cells: dict[str, dict[str, set[str]]]  # outcome (timed out, crashed) -> cell -> students
    tamper: list[dict[str, str]]
    slowest: list[tuple[str, float]]
    table_missing: bool

    @property
    def submitted(self) -> int:
        return len(self.scores)

    @property
    def not_attempted(self) -> int:
        return self.students - self.submitted + len(self.nothing_done)

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.scores.values()) if self.scores else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.scores.values()) if self.scores else None

    def share(self, count: int) -> float:
        return count / self.submitted if self.submitted else 0.0

    def hardest(self) -> ExerciseCounts | None:
        """The exercise fewest submissions pass, hidden tests included (the larger gap,
        then the name, breaks a tie)."""
        return min(self.exercises, key=lambda e: (e.hidden_too, -e.gap, e.name)) if self.exercises else None

    def most_common(self) -> tuple[str, str, set[str]] | None:
        """(exercise, mistake id, students) of the mistake most students made (the first
        identifier in alphabetical order breaks a tie)."""
        found = [(len(students), mistake, e.name, students)
                 for e in self.exercises for mistake, students in e.mistakes.items()]
        if not found:
            return None
        _, mistake, exercise, students = min(found, key=lambda f: (-f[0], f[1]))
        return exercise, mistake, students


def summarize(book: Gradebook, name: str) -> Summary:
    """Count what the assignment ``name`` of ``book`` gave."""
    scores = book.scores[name]
    rows = book.outcomes[name]
    by_student: dict[str, list[Outcome]] = defaultdict(list)
    order: dict[str, int] = {}
    for row in rows:
        by_student[row.student].append(row)
        if row.exercise is not None:
            order.setdefault(row.exercise, len(order))
    exercises = {exercise: ExerciseCounts(exercise) for exercise in order}
    cells: dict[str, dict[str, set[str]]] = {TIMEOUT: defaultdict(set), CRASHED: defaultdict(set)}
    nothing_done = []
    for student, own in by_student.items():
        grouped: dict[str, list[Outcome]] = defaultdict(list)
        for row in own:
            if row.outcome in cells:
                cells[row.outcome][row.cell].add(student)
            if row.exercise is not None:
                grouped[row.exercise].append(row)
        if own and all(row.outcome == UNFINISHED for row in own):
            nothing_done.append(student)
        for exercise, tests in grouped.items():
            counts = exercises[exercise]
            visible = [row for row in tests if not row.hidden] or tests
            counts.visible += all(row.outcome == PASSED for row in visible)
            counts.hidden_too += all(row.outcome == PASSED for row in tests)
            counts.attempted += not all(row.outcome == UNFINISHED for row in tests)
            for row in tests:
                if row.outcome != PASSED:
                    counts.outcomes[row.outcome].add(student)
                if row.mistake:
                    counts.mistakes[row.mistake].add(student)
    seconds = book.seconds.get(name, {})
    slowest = sorted(((s, seconds[s]) for s in scores if s in seconds), key=lambda p: (-p[1], p[0]))[:SLOWEST]
    return Summary(name, book.students, book.max_scores.get(name, 0.0), scores, len(by_student),
                   sorted(nothing_done), list(exercises.values()), cells, book.tamper.get(name, []), slowest,
                   not book.recorded)


# ------------------------------------------------------------------ pictures


def _figure(width: float, height: float, labels: Sequence[str] = (), top: float = 0.15):
    """A figure with one axes, its margins fixed (a layout engine would draw it twice):
    the left one wide enough for the longest of ``labels``, ``top`` inches above."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    left = 0.6 + 0.075 * max((len(label) for label in labels), default=4)  # inches, at the default font size
    fig.subplots_adjust(left=left / width, right=1 - 0.2 / width, bottom=0.55 / height, top=1 - top / height)
    return fig


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=96)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _edges(max_score: float) -> list[float]:
    top = max_score if max_score > 0 else 1.0
    return [top * i / BINS for i in range(BINS + 1)]


def histogram(scores: Iterable[float], max_score: float) -> list[int]:
    """Counts of ``scores`` in :data:`BINS` equal bins of [0, max_score] (the last one closed)."""
    edges = _edges(max_score)
    counts = [0] * BINS
    for score in scores:
        index = min(int(score / edges[-1] * BINS), BINS - 1) if score > 0 else 0
        counts[index] += 1
    return counts


def score_picture(summary: Summary) -> str:
    edges = _edges(summary.max_score)
    counts = histogram(summary.scores.values(), summary.max_score)
    fig = _figure(6.5, 2.6)
    ax = fig.subplots()
    ax.bar(edges[:-1], counts, width=edges[1] - edges[0], align="edge", color="#4c78a8", edgecolor="white")
    if summary.mean is not None:
        ax.axvline(summary.mean, color="#e45756", lw=2, label=f"mean {summary.mean:.3g}")
        ax.axvline(summary.median, color="#333333", lw=1.5, ls="--", label=f"median {summary.median:.3g}")
        ax.legend(frameon=False, loc="upper left")
    ax.set_xlim(0, edges[-1])
    ax.set_xlabel(f"score (of {summary.max_score:g})")
    ax.set_ylabel("submissions")
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def _percent_of_all(fig, ax, names: list[str], xlabel: str) -> str:
    """The PNG of ``fig`` whose ``ax`` has one row of bars per name, top down, on 0–100 %,
    with its legend above the plot."""
    ax.set_yticks(range(len(names)), names)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(xlabel)
    ax.legend(frameon=False, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=2, fontsize="small")
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def exercise_picture(summary: Summary) -> str:
    names = [e.name for e in summary.exercises]
    fig = _figure(6.5, 1.3 + 0.42 * len(names), names, top=0.45)
    ax = fig.subplots()
    y = list(range(len(names)))
    n = max(summary.submitted, 1)
    ax.barh([i + 0.2 for i in y], [100 * e.visible / n for e in summary.exercises], height=0.4,
            color="#9ecae9", label="pass the visible tests")
    ax.barh([i - 0.2 for i in y], [100 * e.hidden_too / n for e in summary.exercises], height=0.4,
            color="#4c78a8", label="pass the hidden tests too")
    return _percent_of_all(fig, ax, names, "% of submissions")


def mistakes_picture(summary: Summary, top: int = 12) -> str | None:
    found = sorted(((len(students), mistake) for e in summary.exercises for mistake, students in e.mistakes.items()),
                   key=lambda f: (-f[0], f[1]))[:top]
    if not found:
        return None
    fig = _figure(6.5, 0.8 + 0.3 * len(found), [mistake for _, mistake in found])
    ax = fig.subplots()
    n = max(summary.submitted, 1)
    ax.barh(range(len(found)), [100 * count / n for count, _ in found], color="#f58518")
    ax.set_yticks(range(len(found)), [mistake for _, mistake in found], fontsize="small")
    ax.invert_yaxis()
    ax.set_xlabel("% of submissions")
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def index_picture(summaries: list[Summary]) -> str | None:
    shown = [s for s in summaries if s.submitted and s.max_score > 0]
    if not shown:
        return None
    fig = _figure(6.5, 1.3 + 0.4 * len(shown), [s.name for s in shown], top=0.45)
    ax = fig.subplots()
    y = range(len(shown))
    ax.barh(y, [100 * s.mean / s.max_score for s in shown], color="#4c78a8", label="mean")
    ax.plot([100 * s.median / s.max_score for s in shown], list(y), "D", color="#333333", label="median")
    return _percent_of_all(fig, ax, [s.name for s in shown], "% of the assignment's points")


# ------------------------------------------------------------------ pages


STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; max-width: 70rem; margin: 1.5rem auto; padding: 0 1rem; color: #222; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin-bottom: .3rem; }
nav { font-size: .9rem; margin-bottom: 1rem; } nav a { margin-right: .6rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .92rem; }
th, td { border-bottom: 1px solid #ddd; padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code { font-size: .88rem; background: #f4f4f4; padding: 0 .2rem; }
.note { background: #fff8e1; border-left: 4px solid #f2b600; padding: .5rem .8rem; }
.muted { color: #666; font-size: .9rem; } .ids { font-size: .85rem; color: #444; max-width: 22rem; }
img { max-width: 100%; }
"""
#: Nothing loads but the page's own pictures (data: URIs) and its inline style.
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def _page(title: str, body: list[str]) -> str:
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>", *body, "</body></html>", ""])


def _e(value: object) -> str:
    return html.escape(str(value))


def _pct(count: int, total: int) -> str:
    return f"{100 * count / total:.0f} %" if total else "—"


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.3g}"


def _img(uri: str | None, alt: str) -> str:
    return f'<p><img src="{uri}" alt="{_e(alt)}"></p>' if uri else ""


def _students(students: Iterable[str]) -> str:
    return " ".join(sorted(students))


#: Student ids shown in a table cell before they fold into a <details> element.
SHOWN_IDS = 12


def _who(students: Iterable[str]) -> str:
    """The students' ids for a table cell; a long list folded (no JavaScript: <details>)."""
    ids = sorted(students)
    text = _e(" ".join(ids))
    if len(ids) <= SHOWN_IDS:
        return f'<td class="ids">{text}</td>'
    return f'<td class="ids"><details><summary>{len(ids)} students</summary>{text}</details></td>'


def _nav(names: list[str], current: str | None) -> str:
    links = ['<a href="index.html">all assignments</a>'] + [
        f"<b>{_e(n)}</b>" if n == current else f'<a href="{_e(n)}.html">{_e(n)}</a>' for n in names]
    return f"<nav>{' '.join(links)} · <a href=\"report.csv\">report.csv</a></nav>"


def assignment_page(summary: Summary, names: list[str], known: dict[str, Known], messages: dict[str, str],
                    when: str) -> str:
    s = summary
    body = [_nav(names, s.name), f"<h1>{_e(s.name)}: what the class got wrong</h1>",
            f'<p class="muted">{_e(when)}</p>']
    if not s.submitted:
        body.append(f'<p class="note">Nobody has submitted {_e(s.name)} yet (or nothing of it was autograded): '
                    f"{s.students} student(s) in the gradebook, 0 submissions. Collect and autograde "
                    "(<code>make collect</code>, <code>make autograde</code>), then run <code>make report</code> "
                    "again.</p>")
        return _page(f"{s.name}: report", body)
    body.append(
        f"<p><b>{s.submitted}</b> of {s.students} students submitted. Score: mean <b>{_number(s.mean)}</b>, median "
        f"<b>{_number(s.median)}</b> of {s.max_score:g} points. <b>{s.not_attempted}</b> "
        f"({_pct(s.not_attempted, s.students)} of the class) did not attempt it: {s.students - s.submitted} did not "
        f"submit, {len(s.nothing_done)} submitted without finishing any exercise.</p>")
    body.append(_img(score_picture(s), f"histogram of the scores of {s.name}"))
    if s.table_missing or s.recorded < s.submitted:
        missing = s.submitted - s.recorded
        body.append(f'<p class="note">{missing} of {s.submitted} submissions were graded before the autograder '
                    "recorded what each test cell gave (a gradebook from before the report): their scores are "
                    "counted above, their mistakes are not below. <code>make autograde FORCE=1</code> grades "
                    "them again and records them.</p>")
    if s.exercises:
        body.append("<h2>Exercises</h2>")
        body.append(_img(exercise_picture(s), f"share passing each exercise of {s.name}"))
        body.append("<table><tr><th>exercise</th><th>pass visible tests</th><th>pass hidden tests too</th>"
                    "<th>gap (fit the visible tests)</th><th>named mistakes</th><th>no known mistake</th>"
                    "<th>unfinished</th><th>timed out</th><th>crashed</th></tr>")
        for e in s.exercises:
            named = len(set().union(*e.mistakes.values())) if e.mistakes else 0
            cells = [e.visible, e.hidden_too, e.gap, named, len(e.outcomes.get(UNEXPLAINED, ())),
                     len(e.outcomes.get(UNFINISHED, ())), len(e.outcomes.get(TIMEOUT, ())),
                     len(e.outcomes.get(CRASHED, ()))]
            body.append(f"<tr><td><code>{_e(e.name)}</code></td>"
                        + "".join(f'<td class="n">{c} ({_pct(c, s.submitted)})</td>' if i < 2 else
                                  f'<td class="n">{c}</td>' for i, c in enumerate(cells)) + "</tr>")
        body.append("</table>")
        body.append("<h2>Named mistakes</h2>")
        picture = mistakes_picture(s)
        body.append(_img(picture, f"the most common mistakes in {s.name}") if picture else
                    "<p>No check named a known mistake.</p>")
        for e in s.exercises:
            failing = {k: v for k, v in e.outcomes.items() if k in (UNEXPLAINED, ERROR, FAILED)}
            if not e.mistakes and not failing:
                continue
            body.append(f"<h3><code>{_e(e.name)}</code></h3><table><tr><th>students</th><th>mistake</th>"
                        "<th>what the check said</th><th>for the lecture</th><th>who</th></tr>")
            ranked = sorted(e.mistakes.items(), key=lambda item: (-len(item[1]), item[0]))
            for mistake, students in ranked:
                what, why = explain(mistake, known, messages.get(mistake, ""))
                body.append(f'<tr><td class="n">{len(students)} ({_pct(len(students), s.submitted)})</td>'
                            f"<td><code>{_e(mistake)}</code></td><td>{_e(what)}</td><td>{_e(why)}</td>"
                            f"{_who(students)}</tr>")
            for outcome, students in sorted(failing.items()):
                label = {UNEXPLAINED: "no known mistake (the check named none)", ERROR: "an error",
                         FAILED: "an assertion failed"}[outcome]
                body.append(f'<tr><td class="n">{len(students)} ({_pct(len(students), s.submitted)})</td>'
                            f"<td>—</td><td>{_e(label)}</td><td>read their feedback</td>"
                            f"{_who(students)}</tr>")
            body.append("</table>")
    body.append("<h2>Timeouts, crashes, tampering</h2>")
    rows = [(label, cell, students) for outcome, label in ((TIMEOUT, "timed out"), (CRASHED, "crashed"))
            for cell, students in sorted(s.cells[outcome].items())]
    if rows:
        body.append("<table><tr><th>what</th><th>test cell</th><th>students</th><th>who</th></tr>")
        body += [f'<tr><td>{_e(label)}</td><td><code>{_e(cell)}</code></td><td class="n">{len(students)}</td>'
                 f"{_who(students)}</tr>" for label, cell, students in rows]
        body.append("</table>")
    else:
        body.append("<p>No test cell timed out or crashed.</p>")
    if s.tamper:
        body.append(f"<p>{len(s.tamper)} row(s) in the tamper report (what autograding changed in submissions):</p>"
                    "<table><tr><th>student</th><th>cell</th><th>change</th></tr>")
        body += [f"<tr><td>{_e(r.get('student', ''))}</td><td><code>{_e(r.get('cell', ''))}</code></td>"
                 f"<td>{_e(r.get('change', ''))}</td></tr>" for r in s.tamper]
        body.append("</table>")
    else:
        body.append("<p>The tamper report has no rows for this assignment.</p>")
    if s.slowest:
        body.append("<h2>Slowest submissions</h2><table><tr><th>student</th><th>seconds to grade</th></tr>")
        body += [f'<tr><td>{_e(student)}</td><td class="n">{seconds:.1f}</td></tr>' for student, seconds in s.slowest]
        body.append("</table>")
    return _page(f"{s.name}: report", body)


def index_page(summaries: list[Summary], names: list[str], where: str, when: str) -> str:
    body = [_nav(names, None), "<h1>What did my class get wrong?</h1>",
            f'<p class="muted">{_e(when)}, from {_e(where)}.</p>']
    if not any(s.submitted for s in summaries):
        body.append('<p class="note">No graded submissions yet: collect and autograde them '
                    "(<code>make collect</code>, <code>make autograde</code>), then run <code>make report</code> "
                    "again.</p>")
    body.append(_img(index_picture(summaries), "mean and median score of every assignment"))
    body.append("<table><tr><th>assignment</th><th>submitted</th><th>mean (median)</th>"
                "<th>did not attempt</th><th>hardest exercise (pass hidden tests too)</th>"
                "<th>most common mistake</th><th>timed out · crashed · tampered</th></tr>")
    for s in summaries:
        hardest, common = s.hardest(), s.most_common()
        hard = (f"<code>{_e(hardest.name)}</code> ({_pct(hardest.hidden_too, s.submitted)})"
                if hardest and s.submitted else "—")
        mistake = (f"<code>{_e(common[1])}</code>: {len(common[2])} ({_pct(len(common[2]), s.submitted)})"
                   if common else "—")
        mean = f"{_number(s.mean)} ({_number(s.median)}) / {s.max_score:g}" if s.submitted else "—"
        timeouts = len(set().union(*s.cells[TIMEOUT].values())) if s.cells[TIMEOUT] else 0
        crashes = len(set().union(*s.cells[CRASHED].values())) if s.cells[CRASHED] else 0
        body.append(f'<tr><td><a href="{_e(s.name)}.html">{_e(s.name)}</a></td>'
                    f'<td class="n">{s.submitted} / {s.students}</td><td class="n">{mean}</td>'
                    f'<td class="n">{s.not_attempted if s.submitted else "—"}</td><td>{hard}</td><td>{mistake}</td>'
                    f'<td class="n">{timeouts} · {crashes} · {len(s.tamper)}</td></tr>')
    body.append("</table>")
    if any(s.table_missing for s in summaries):
        body.append('<p class="note">This gradebook was graded before the autograder recorded the mistakes its '
                    "checks name: the pages show scores only. <code>make autograde FORCE=1</code> grades every "
                    "submission again and records them.</p>")
    return _page("Class report", body)


# ------------------------------------------------------------------ the CSV


def csv_rows(summary: Summary) -> list[dict[str, object]]:
    """The numbers of one assignment's page, one row each (columns :data:`CSV_FIELDS`)."""
    s = summary
    rows: list[dict[str, object]] = []

    def add(section: str, item: str, value: object, exercise: str = "", share: bool = False,
            detail: str = "") -> None:
        rows.append({"assignment": s.name, "section": section, "exercise": exercise, "item": item,
                     "value": value, "share": f"{s.share(value):.4f}" if share else "", "detail": detail})

    add("class", "students", s.students)
    add("class", "submitted", s.submitted)
    add("class", "not_submitted", s.students - s.submitted)
    add("class", "submitted_nothing_done", len(s.nothing_done), detail=_students(s.nothing_done))
    add("class", "did_not_attempt", s.not_attempted)
    add("class", "recorded", s.recorded)
    add("class", "max_score", f"{s.max_score:g}")
    add("class", "mean", "" if s.mean is None else f"{s.mean:.4f}")
    add("class", "median", "" if s.median is None else f"{s.median:.4f}")
    edges = _edges(s.max_score)
    for i, count in enumerate(histogram(s.scores.values(), s.max_score)):
        add("score_bin", f"{edges[i]:g}-{edges[i + 1]:g}", count, share=True)
    for e in s.exercises:
        add("exercise", "pass_visible", e.visible, e.name, share=True)
        add("exercise", "pass_hidden_too", e.hidden_too, e.name, share=True)
        add("exercise", "gap", e.gap, e.name, share=True)
        add("exercise", "attempted", e.attempted, e.name, share=True)
        for outcome in (UNFINISHED, UNEXPLAINED, TIMEOUT, CRASHED, ERROR, FAILED):
            students = e.outcomes.get(outcome, set())
            add("exercise", outcome.replace(" ", "_"), len(students), e.name, share=True, detail=_students(students))
        for mistake, students in sorted(e.mistakes.items(), key=lambda item: (-len(item[1]), item[0])):
            add("mistake", mistake, len(students), e.name, share=True, detail=_students(students))
    for outcome in (TIMEOUT, CRASHED):
        for cell, students in sorted(s.cells[outcome].items()):
            add(outcome.replace(" ", "_"), cell, len(students), detail=_students(students))
    by_cell: dict[str, list[str]] = defaultdict(list)
    for row in s.tamper:
        by_cell[row.get("cell", "")].append(row.get("student", ""))
    add("tampered", "rows", len(s.tamper), detail=_students(set(r.get("student", "") for r in s.tamper)))
    for cell, students in sorted(by_cell.items()):
        add("tampered", cell, len(students), detail=_students(students))
    for student, seconds in s.slowest:
        add("slowest", student, f"{seconds:.1f}")
    hardest, common = s.hardest(), s.most_common()
    if hardest is not None and s.submitted:
        add("summary", "hardest_exercise", hardest.hidden_too, hardest.name, share=True)
    if common is not None:
        add("summary", "most_common_mistake", len(common[2]), common[0], share=True, detail=common[1])
    return rows


# ------------------------------------------------------------------ writing


@dataclass
class Written:
    index: Path
    pages: list[Path]
    csv: Path
    summaries: list[Summary]


def write(book: Gradebook, folder: Path, known: dict[str, Known] | None = None) -> Written:
    """Write the pages and the CSV of ``book`` into ``folder``."""
    known = catalog() if known is None else known
    folder.mkdir(parents=True, exist_ok=True)
    when = "Made " + datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    summaries = [summarize(book, name) for name in book.assignments]
    pages = []
    for summary in summaries:
        path = folder / f"{summary.name}.html"
        _replace(path, assignment_page(summary, book.assignments, known, book.messages, when))
        pages.append(path)
    index = folder / "index.html"
    _replace(index, index_page(summaries, book.assignments, book.where, when))
    table = folder / "report.csv"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for summary in summaries:
        writer.writerows(csv_rows(summary))
    _replace(table, buffer.getvalue())
    return Written(index, pages, table, summaries)


def _replace(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (a reader never sees half a page)."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def lines(written: Written) -> list[str]:
    """What ``make report`` prints: where the pages are, and one line per assignment."""
    out = [f"report -> {written.index}"]
    for s in written.summaries:
        if not s.submitted:
            out.append(f"  {s.name}: nobody has submitted it yet")
            continue
        common = s.most_common()
        mistake = f"; most common mistake {common[1]} ({len(common[2])})" if common else ""
        out.append(f"  {s.name}: {s.submitted} of {s.students} submitted, mean {_number(s.mean)} / {s.max_score:g}"
                   f"{mistake}")
        if s.table_missing or s.recorded < s.submitted:
            out.append(f"    {s.submitted - s.recorded} submission(s) graded before outcomes were recorded: "
                       "`make autograde FORCE=1` records them")
    if not any(s.submitted for s in written.summaries):
        out.append("  no graded submissions yet: run `make autograde` first")
    out.append(f"  numbers: {written.csv}")
    return out


__all__ = ["Gradebook", "ReportError", "Summary", "catalog", "csv_rows", "explain", "histogram", "lines", "read",
           "summarize", "write"]
