"""Ordinary nbgrader assignments are graded as stock nbgrader grades them (issue 17 §2).

``tests/conformance/course/`` is a course of nbgrader assignments that do not use
``course.checks`` (see its README.md): nbgrader's documentation assignment ``ps1`` with
its two students and the instructor's solution, nbgrader's own test notebooks
(``nbgrader-*``), and two assignments of this suite (``data-files``, ``python-tests``)
with right, wrong and unfinished submissions. It is graded twice, at the same time, from
the same files:

* by the course's pipeline: ``grader.cli`` release and autograde (two worker processes,
  sandboxed) on a copy with this repository's ``nbgrader_config.py``;
* by stock nbgrader: ``nbgrader generate_assignment '*'`` and ``nbgrader autograde '*'``
  in a bare course folder with nbgrader's default configuration, in this environment.

Every automatic score must be equal, cell by cell; the scores are those each answer
deserves and those nbgrader's own tests expect; honest submissions leave no tamper rows.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbgrader import utils
from nbgrader.api import Gradebook
from test_nbgrader_roundtrip import _Text, _tree_digest

from grader import cli
from grader.preprocessors import GradeExecute, nbgrader_score, score_from_errors

pytestmark = [
    pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning"),
    pytest.mark.filterwarnings("ignore::nbformat.warnings.MissingIDFieldWarning"),
]

COURSE = Path(__file__).resolve().parent / "conformance" / "course"
#: Graded by the course's pipeline only: its kernel dies, which zeroes the whole notebook
#: under stock nbgrader and costs only the cell here.
OURS_ONLY = {"crasher"}
OWN = ("data-files", "python-tests")


def _submissions(destination: Path, ours: bool) -> None:
    """The course's submissions, and the instructor's solution of ps1 submitted as is."""
    shutil.copytree(COURSE / "submitted", destination, ignore=lambda folder, names: [
        name for name in names if not ours and Path(folder) == COURSE / "submitted" and name in OURS_ONLY])
    shutil.copytree(COURSE / "source" / "ps1", destination / "instructor" / "ps1")


def _grades(db: Path, course_id: str) -> tuple[dict, dict]:
    """(student, assignment, notebook, cell) -> (auto_score, max_score, needs_manual_grade),
    and (student, assignment, notebook) -> (score, max_score, needs_manual_grade)."""
    cells, notebooks = {}, {}
    with Gradebook(f"sqlite:///{db}", course_id) as gradebook:
        for assignment in gradebook.assignments:
            for submission in gradebook.assignment_submissions(assignment.name):
                for notebook in submission.notebooks:
                    key = (submission.student_id, assignment.name, notebook.name)
                    notebooks[key] = (notebook.score, notebook.max_score, notebook.needs_manual_grade)
                    for grade in notebook.grades:
                        cells[(*key, grade.name)] = (grade.auto_score, grade.max_score, grade.needs_manual_grade)
    return cells, notebooks


@pytest.fixture(scope="module")
def graded(repo, tmp_path_factory):
    """The conformance course graded by stock nbgrader and by the course's pipeline."""
    stock_root = tmp_path_factory.mktemp("stock")
    shutil.copytree(COURSE / "source", stock_root / "source")
    _submissions(stock_root / "submitted", ours=False)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "JUPYTER_CONFIG_DIR": str(stock_root / ".jupyter")}  # nbgrader's defaults, nothing of ~/.jupyter
    start = time.perf_counter()
    stock = subprocess.Popen(
        ["sh", "-c", "nbgrader generate_assignment '*' --log-level=ERROR && nbgrader autograde '*' --log-level=ERROR"],
        cwd=stock_root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    root = tmp_path_factory.mktemp("ours")
    shutil.copy(repo / "nbgrader_config.py", root)
    shutil.copytree(COURSE / "source", root / "solutions")
    submitted = root / "grading" / "submitted"
    _submissions(submitted, ours=True)
    before = _tree_digest(submitted)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        cli.release(root)
        cli.autograde(root, jobs=2)
    ours_seconds = time.perf_counter() - start
    log, _ = stock.communicate(timeout=600)
    stock_seconds = time.perf_counter() - start
    print(printed.getvalue())
    print(f"conformance: the course's pipeline {ours_seconds:.1f} s, stock nbgrader {stock_seconds:.1f} s "
          "(from the start, side by side)")
    assert stock.returncode == 0, log

    ours, ours_notebooks = _grades(root / "grading" / "gradebook.db", "optim-dl")
    stock_cells, stock_notebooks = _grades(stock_root / "gradebook.db", "default_course")
    return {"root": root, "stock_root": stock_root, "printed": printed.getvalue(), "before": before,
            "ours": ours, "ours_notebooks": ours_notebooks, "stock": stock_cells, "stock_notebooks": stock_notebooks,
            "report": list(csv.DictReader((root / "grading" / "tamper-report.csv").open()))}


def test_every_automatic_score_is_stock_nbgraders(graded):
    ours = {key: value for key, value in graded["ours"].items() if key[0] not in OURS_ONLY}
    assert set(ours) == set(graded["stock"])
    assert len(ours) > 150
    differ = {key: (value, graded["stock"][key]) for key, value in ours.items() if value != graded["stock"][key]}
    assert not differ, "(ours, stock nbgrader) as (auto_score, max_score, needs_manual_grade):\n" + "\n".join(
        f"  {key}: {pair}" for key, pair in sorted(differ.items()))
    ours_notebooks = {k: v for k, v in graded["ours_notebooks"].items() if k[0] not in OURS_ONLY}
    assert ours_notebooks == graded["stock_notebooks"]


def _test_cells(assignment: str) -> dict[tuple[str, str], float]:
    """(notebook, grade_id) -> points of every autograded test cell of one of the own assignments."""
    cells = {}
    for path in sorted((COURSE / "source" / assignment).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
                cells[path.stem, meta["grade_id"]] = float(meta["points"])
    return cells


#: What bob's wrong answers (tests/conformance/build.py) score where they do not score 0.
BOB_SCORES = {
    ("names", "test_sum_of_squares"): 1,  # re-implemented: right values...
    ("names", "test_restored"): 0.5,
    ("names", "test_partial"): 1,  # one of two values right: partial credit
    ("objects", "test_greet_capture"): 0.5,  # runs without error
    ("objects", "test_magics"): 1,  # evens returns a list: its sum is right
}
#: An unfinished notebook scores 0 but where a test checks nothing of the student's.
CAROL_SCORES = {("names", "test_restored"): 0.5}


@pytest.mark.parametrize("student, scores", [("alice", None), ("bob", BOB_SCORES), ("carol", CAROL_SCORES)])
def test_each_answer_scores_what_it_deserves(graded, student, scores):
    """Right answers score full points, wrong and unfinished ones only where they pass."""
    for assignment in OWN:
        for (notebook, cell), points in _test_cells(assignment).items():
            expected = points if scores is None else scores.get((notebook, cell), 0)
            assert graded["ours"][student, assignment, notebook, cell][0] == expected, (assignment, notebook, cell)


def test_written_answers_and_tasks_wait_for_the_grader(graded):
    for student in ("alice", "bob"):
        for cell in ("explain", "cube", "task_proof"):
            assert graded["ours"][student, "python-tests", "names", cell][0] is None
            assert graded["ours"][student, "python-tests", "names", cell][2], "needs manual grading"
    assert [graded["ours"]["carol", "python-tests", "names", c][0] for c in ("explain", "cube")] == [0, 0], \
        "an unchanged answer scores 0"


def test_the_outcomes_nbgraders_own_tests_expect(graded):
    """nbgrader/tests/apps/test_nbgrader_autograde.py's expectations, on the course's pipeline."""
    notebooks = graded["ours_notebooks"]
    # test_grade, test_showtraceback_exploit: (score, max, needs manual grade)
    assert {s: notebooks[s, "nbgrader-submitted", "p1"] for s in ("foo", "bar", "spam", "eggs")} == {
        "foo": (1, 7, False), "bar": (2, 7, True), "spam": (1, 7, True), "eggs": (1, 7, True)}
    # test_grade_autotest, test_grade_hashed_autotest, test_grade_complex_autotest, test_hidden_tests_autotest
    expected = {
        ("foo", "simple"): (0, 1), ("bar", "simple"): (1, 1), ("foo", "hashed"): (0, 1), ("bar", "hashed"): (1, 1),
        ("foo", "multi"): (0, 4), ("bar", "multi"): (3, 4),
        ("foo", "hidden"): (0, 1), ("bar", "hidden"): (0, 1), ("baz", "hidden"): (1, 1)}
    assert {key: notebooks[key[0], "nbgrader-autotest", key[1]][:2] for key in expected} == expected
    files = {n: notebooks[s, a, n][0] for s, a, n in notebooks if (s, a) == ("foo", "nbgrader-files")}
    assert files == {
        "open_relative_file": 10,  # test_validate_open_relative_file: the shipped data.txt is read
        "test-hidden-tests": 1.5,  # test_hidden_tests_single_notebook
        "validating-environment-variable": 0,  # test_grade_with_validating_envvar: NBGRADER_EXECUTION is set
        "side-effects": 0,  # nothing graded in it
    }


def test_grading_leaves_submissions_untouched(graded):
    """test_side_effects: what a notebook writes never reaches the submission."""
    assert _tree_digest(graded["root"] / "grading" / "submitted") == graded["before"]


def test_honest_submissions_leave_no_tamper_rows(graded):
    """Only edits that change a test are reported: metadata written by an older nbgrader
    (test cells not marked locked, ...) is normalised and counted in the summary."""
    rows = {(row["student"], row["assignment"], row["notebook"], row["cell"]): row["change"]
            for row in graded["report"]}
    assert set(rows) == {
        ("bitdiddle", "ps1", "problem1", "correct_squares"),  # commented out by the student
        ("bitdiddle", "ps1", "problem1", "squares_invalid_input"),  # emptied by the student
        ("gradecell", "nbgrader-submitted", "p1", "bar"),  # submitted-grade-cell-changed.ipynb
        ("lockedcell", "nbgrader-submitted", "p1", "ro1"),  # submitted-locked-cell-changed.ipynb
        ("lockedcell", "nbgrader-submitted", "p1", "ro2"),
        # nbgrader's autotest-hashed-*.ipynb come from nbgrader's own release, whose hashed
        # test holds another random salt than this release's: the test is not the one graded
        ("foo", "nbgrader-autotest", "hashed", "test_hashed"),
        ("bar", "nbgrader-autotest", "hashed", "test_hashed"),
    }, rows
    assert all(change.startswith("locked cell edited, reverted") for change in rows.values())
    summary = graded["printed"][graded["printed"].index("autograde summary"):].splitlines()
    [normalised] = [line for line in summary if line.strip().startswith("normalised")]
    # ps1's four test cells per submission (bitdiddle, hacker, instructor) at least
    assert int(normalised.split()[1]) >= 12


def _outputs(graded, student, assignment, notebook, cell):
    nb = nbformat.read(graded["root"] / "grading" / "autograded" / student / assignment / f"{notebook}.ipynb",
                       as_version=4)
    [found] = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == cell]
    return found.outputs


def test_a_kernel_that_dies_in_an_ordinary_test_costs_only_that_test(graded):
    """crasher's mean_square(3) kills the kernel in test_use_helper: that test scores 0, the
    new kernel replays the earlier cells, ordinary test cells included, so test_quiet still
    finds ``close``, defined by test_define_helper."""
    ours = graded["ours"]
    names = {cell: value[0] for (student, assignment, notebook, cell), value in ours.items()
             if (student, assignment, notebook) == ("crasher", "python-tests", "names")}
    alice = {cell: value[0] for (student, assignment, notebook, cell), value in ours.items()
             if (student, assignment, notebook) == ("alice", "python-tests", "names")}
    assert names == {**alice, "test_use_helper": 0}
    [error] = [o for o in _outputs(graded, "crasher", "python-tests", "names", "test_use_helper")
               if o.output_type == "error"]
    assert error.ename == "ProcessDied" and "this test scores 0" in error.evalue


def test_feedback_hides_what_an_ordinary_hidden_test_shows(graded):
    """An ordinary hidden test runs in the kernel (its printed output and error stay in
    the autograded notebook, where nbgrader scores them); the feedback shows neither
    its code nor its output."""
    outputs = _outputs(graded, "bob", "data-files", "measurements", "test_load_hidden")
    assert any("calibration values" in o.get("text", "") for o in outputs), "it ran in the kernel"
    api = cli._api(graded["root"])
    assert api.generate_feedback("data-files", "bob", force=True)["success"]
    page = _Text.of((graded["root"] / "grading" / "feedback" / "bob" / "data-files" / "measurements.html").read_text())
    assert "load_measurements reads the shipped file" in page, "the visible tests are shown"
    assert "[output of the hidden tests not shown]" in page and "AssertionError" in page
    for hidden in ('other = load_measurements("data/calibration.csv")', "calibration values", "0.25"):
        assert hidden not in page


def _test_cell(outputs: list, points: float = 2) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("assert True", metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": True, "grade_id": "t", "points": points, "schema_version": 3}})
    cell.outputs = [nbformat.v4.new_output(**o) for o in outputs]
    return cell


@pytest.mark.parametrize("outputs, score", [
    ([], 2),
    ([{"output_type": "stream", "name": "stdout", "text": "fine\n"}], 2),
    ([{"output_type": "stream", "name": "stderr", "text": "a warning\n"}], 0),
    ([{"output_type": "execute_result", "data": {"text/plain": "1.5"}, "execution_count": 1}], 1.5),
    ([{"output_type": "execute_result", "data": {"text/plain": "'text'"}, "execution_count": 1}], 2),
    ([{"output_type": "error", "ename": "AssertionError", "evalue": "", "traceback": []}], 0),
    # more than the cell's points: nbgrader stops grading the notebook; here the cell scores 0
    ([{"output_type": "execute_result", "data": {"text/plain": "5"}, "execution_count": 1}], 0),
])
def test_an_ordinary_test_cell_scores_as_nbgrader_scores_it(outputs, score):
    assert nbgrader_score(_test_cell(outputs)) == score
    if score != 0 or outputs[0]["output_type"] == "error":
        assert nbgrader_score(_test_cell(outputs)) == utils.determine_grade(_test_cell(outputs))[0]


def test_a_judged_cell_scores_0_only_when_it_raises():
    assert score_from_errors(_test_cell([{"output_type": "stream", "name": "stderr", "text": "a warning\n"}])) == 2


def test_stderr_cut_by_the_output_cap_still_scores_0(tmp_path):
    """A test cell whose stderr output comes after the cell's text cap keeps an (empty)
    stderr output: nbgrader's rule still sees it."""
    cell = _test_cell([])
    cell.source = "import sys\nprint('x' * 2000, flush=True)\nprint('late', file=sys.stderr, flush=True)"
    nb = nbformat.v4.new_notebook(cells=[cell])
    GradeExecute(timeout=30, sandbox=False, max_text_bytes_per_cell=1000).preprocess(
        nb, {"metadata": {"path": str(tmp_path)}})
    assert [o.get("name") for o in nb.cells[0].outputs if o.output_type == "stream"][:2] == ["stdout", "stderr"]
    assert nbgrader_score(nb.cells[0]) == 0
