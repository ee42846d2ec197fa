"""What every graded test cell of a submission gave, kept in the gradebook's database.

A graded test cell's verdict is decided in the grader's process (:mod:`grader.verdict`):
there the check's exception is at hand, with the identifier of the mistake it named
(``CheckFailed.mistake``, e.g. ``adam_step/no-bias-correction``). :func:`judged` turns
that exception into a :class:`Verdict`; ``GradeExecute`` keeps it with the notebook
being graded (:func:`keep`), out of the student's reach; and :class:`RecordOutcomes`,
the preprocessor after ``SaveAutoGradesFromErrors``, writes one row per graded test
cell into the table :data:`TABLE` of the gradebook's own database (SQLite or
PostgreSQL, created when missing). A cell with no such verdict (an ordinary nbgrader
test cell that ran in the notebook, a cell that was not run) is judged from its stored
outputs, as nbgrader scores it. Grading a submission again replaces its rows. The
instructor's report (:mod:`grader.report`) counts them.

Outcomes: ``passed``; ``mistake`` (a check named a known mistake: ``mistake`` holds its
identifier); ``unexplained`` (a check failed and named no known mistake); ``unfinished``
(NotImplementedError: the exercise is not done); ``timed out``; ``crashed`` (the
notebook's process died, or was not run after too many deaths); ``failed`` (an
ordinary test cell's assertion failed); ``error`` (any other exception, its type in
``error``). What autograding changed in a submission is in the tamper report
(``grader.preprocessors.TamperReport``), which the report counts as ``tampered``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from nbgrader import utils
from sqlalchemy import (
    Boolean, Column, DateTime, Index, Integer, MetaData, String, Table, Text, UniqueConstraint, create_engine,
    delete, inspect,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from traitlets import Bool, List

from course.bridge import BridgeClosed, BridgeTimeout
from course.checks.failure import CheckFailed

PASSED, MISTAKE, UNEXPLAINED, UNFINISHED = "passed", "mistake", "unexplained", "unfinished"
TIMEOUT, CRASHED, FAILED, ERROR = "timed out", "crashed", "failed", "error"
OUTCOMES = (PASSED, MISTAKE, UNEXPLAINED, UNFINISHED, TIMEOUT, CRASHED, FAILED, ERROR)

#: The key of ``resources`` under which ``GradeExecute`` keeps the verdicts of a notebook.
VERDICTS = "course_verdicts"
#: Characters of a failure's message kept in the database.
MESSAGE_CHARS = 2000
#: What a mistake identifier looks like: ``<function>/<slug>``.
MISTAKE_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*/[a-z0-9][a-z0-9_-]*$")
HIDDEN_TESTS = "### BEGIN HIDDEN TESTS"

METADATA = MetaData()
#: One row per graded test cell of each autograded submission.
TABLE = Table(
    "course_test_outcome", METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("student", String(128), nullable=False),
    Column("assignment", String(128), nullable=False),
    Column("notebook", String(128), nullable=False),
    Column("cell", String(128), nullable=False),
    Column("exercise", String(128)),
    Column("hidden", Boolean, nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("mistake", String(256)),
    Column("error", String(128)),
    Column("message", Text),
    Column("graded_at", DateTime, nullable=False),
    UniqueConstraint("student", "assignment", "notebook", "cell", name="course_test_outcome_cell"),
    Index("course_test_outcome_assignment", "assignment"),
)


@dataclass(frozen=True)
class Verdict:
    """The outcome of one graded test cell (one of :data:`OUTCOMES`), the identifier of
    the mistake a check named, the type of the exception, and the message."""

    outcome: str
    mistake: str | None = None
    error: str | None = None
    message: str = ""


#: A test cell whose notebook never answered the grader.
UNREACHED = Verdict(ERROR, error="GraderError", message="the autograder could not reach the notebook's process")


def judged(failure: BaseException | None) -> Verdict:
    """The verdict of a graded test cell run in the grader's process, from what it raised."""
    if failure is None:
        return Verdict(PASSED)
    message = (failure.message if isinstance(failure, CheckFailed) else str(failure))[:MESSAGE_CHARS]
    if isinstance(failure, BridgeTimeout):
        return Verdict(TIMEOUT, error="Timeout", message=message)
    if isinstance(failure, BridgeClosed):
        return Verdict(CRASHED, error="ProcessDied", message=message)
    if isinstance(failure, NotImplementedError):
        return Verdict(UNFINISHED, error=type(failure).__name__, message=message)
    if isinstance(failure, CheckFailed):
        mistake = failure.mistake if isinstance(failure.mistake, str) and MISTAKE_ID.match(failure.mistake) else None
        return Verdict(MISTAKE if mistake else UNEXPLAINED, mistake, type(failure).__name__, message)
    if isinstance(failure, AssertionError):
        return Verdict(FAILED, error=type(failure).__name__, message=message)
    return Verdict(ERROR, error=type(failure).__name__, message=message)


#: Errors the grader writes into a cell's outputs, and the outcome each means.
_ERRORS = {"Timeout": TIMEOUT, "ProcessDied": CRASHED, "NotRun": CRASHED, "NotImplementedError": UNFINISHED,
           "AssertionError": FAILED}


def from_outputs(cell: NotebookNode) -> Verdict:
    """The verdict of a test cell that ran in the notebook (or did not run), from its
    outputs: an error output fails it, as nbgrader scores it."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            ename = str(output.get("ename", ""))[:128]
            return Verdict(_ERRORS.get(ename, ERROR), error=ename, message=str(output.get("evalue", ""))[:MESSAGE_CHARS])
    return Verdict(PASSED)


def keep(resources: dict, cell: NotebookNode, verdict: Verdict | None) -> None:
    """Keep the verdict of the graded test ``cell`` with the notebook's ``resources`` (in
    the grader's process); None: judge the cell from its outputs."""
    name = cell.metadata.get("nbgrader", {}).get("grade_id")
    if name is not None:
        resources.setdefault(VERDICTS, {})[name] = verdict


def exercise_of(cell_name: str, exercises: list[str]) -> str | None:
    """The exercise a test cell tests: the longest exercise ``e`` (a solution cell's
    grade_id) such that the cell is ``test_<e>`` or ``test_<e>_…``; None if none."""
    matches = [e for e in exercises if cell_name == f"test_{e}" or cell_name.startswith(f"test_{e}_")]
    return max(matches, key=len) if matches else None


def _is_test(cell: NotebookNode) -> bool:
    return utils.is_grade(cell) and not utils.is_solution(cell) and cell.cell_type == "code"


def outcome_rows(nb: NotebookNode, verdicts: dict[str, Verdict | None]) -> list[dict[str, Any]]:
    """One row (without student, assignment, notebook) per graded test cell of ``nb``."""
    exercises = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
                 if utils.is_solution(c) and c.cell_type == "code" and "grade_id" in c.metadata.get("nbgrader", {})]
    rows = []
    for cell in nb.cells:
        if not _is_test(cell):
            continue
        name = cell.metadata["nbgrader"]["grade_id"]
        verdict = verdicts.get(name) or from_outputs(cell)
        exercise = exercise_of(name, exercises)
        mistake = verdict.mistake
        if mistake is not None and exercise is not None and not mistake.startswith(f"{exercise}/"):
            verdict = Verdict(UNEXPLAINED, error=verdict.error, message=verdict.message)  # another function's
            mistake = None
        rows.append({"cell": name, "exercise": exercise, "hidden": HIDDEN_TESTS in cell.source,
                     "outcome": verdict.outcome, "mistake": mistake, "error": verdict.error,
                     "message": verdict.message})
    return rows


def ensure_table(engine: Engine) -> None:
    """Create :data:`TABLE` in the database when it is missing (two graders creating it
    at once: the loser finds it there)."""
    if inspect(engine).has_table(TABLE.name):
        return
    try:
        METADATA.create_all(engine, checkfirst=True)
    except DBAPIError:
        if not inspect(engine).has_table(TABLE.name):
            raise


def write(db_url: str, student: str, assignment: str, notebook: str, rows: list[dict[str, Any]]) -> None:
    """Replace the rows of one notebook of a submission by ``rows``, in one transaction."""
    engine = create_engine(db_url)
    try:
        ensure_table(engine)
        now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        key = {"student": student, "assignment": assignment, "notebook": notebook}
        with engine.begin() as connection:
            connection.execute(delete(TABLE).where(
                TABLE.c.student == student, TABLE.c.assignment == assignment, TABLE.c.notebook == notebook))
            if rows:
                connection.execute(TABLE.insert(), [{**key, **row, "graded_at": now} for row in rows])
    finally:
        engine.dispose()


class RecordOutcomes(Preprocessor):
    """Autograde preprocessor: record the outcome of every graded test cell in the
    gradebook's database (see the module docstring). Put it after the grades are saved."""

    enabled = Bool(True)
    # nbconvert configures this for all its preprocessors; unused here.
    display_data_priority = List().tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        info = resources["nbgrader"]
        rows = outcome_rows(nb, resources.get(VERDICTS, {}))
        write(info["db_url"], info["student"], info["assignment"], info["notebook"], rows)
        return nb, resources


__all__ = [
    "CRASHED", "ERROR", "FAILED", "MISTAKE", "OUTCOMES", "PASSED", "TABLE", "TIMEOUT", "UNEXPLAINED", "UNFINISHED",
    "UNREACHED", "RecordOutcomes", "Verdict", "ensure_table", "exercise_of", "from_outputs", "judged", "keep",
    "outcome_rows", "write",
]
