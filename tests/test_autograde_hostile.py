"""Autograding submissions that break, game or attack the notebook (issue 11).

Every submission is built from lecture 03's released notebook and its solutions and
graded in one batch through ``grader.cli.autograde`` (the code behind
``make autograde``), sandboxed, on a copy of the course with a 10 s cell timeout instead
of 30 s (ten times what its slowest cell needs on an idle machine, so that a busy one times
out only the loops, which sleep: waiting for them costs no CPU). Each test asserts the
exact score of every graded cell, as a careful grader gives it; the attacks (reading the
solutions or the gradebook, writing classmates' work or the course package, the network,
processes left behind, killing the kernel, patching the checks or the explorers'
pictures, calling the reference in disguise) must fail, cost only the exercise they were
in, and leave nothing changed outside the submission's own output.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import io
import json
import os
import shutil
import socket
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from test_nbgrader_roundtrip import SOLUTION_MARKER, _nbgrader, _Text, _tree_digest

from grader import cli, sandbox
from grader.preprocessors import GradeExecute, clear_manual_scores

pytestmark = [
    pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning"),
    # old_nbformat and no_ids have no cell ids, on purpose
    pytest.mark.filterwarnings("ignore::nbformat.warnings.MissingIDFieldWarning"),
]

A = "03-sgd"
TIMEOUT = 10
FULL = {"test_sgd_step": 2, "test_sgd_step_hidden": 1, "test_sgd_noise_floor": 2, "test_sgd_noise_floor_hidden": 1,
        "test_linear_decay": 2, "test_linear_decay_hidden": 1, "test_minibatches": 2, "test_minibatches_hidden": 1}
# The gradebook, found from the kernel's working directory (grading/autograded/<student>/<a>/).
FORGE = """import pathlib, sqlite3
db = next(p / "gradebook.db" for p in pathlib.Path.cwd().parents if (p / "gradebook.db").is_file())
with sqlite3.connect(db) as con:
    con.execute("UPDATE grade SET manual_score = 3, extra_credit = 1")
"""
# A process that outlives its cell, if nothing stops it: `sleep` with a marker argument.
MARKER = "987654"
CANARY = "COURSE_TEST_CANARY"  # in the grader's environment, never the kernel's
# What a student who knows the instructor's paths tries; each attempt prints 'open' or 'blocked'.
SNOOP = """import os, socket, sqlite3, subprocess, pathlib
import course
ROOT, REPO, PORT = {root!r}, {repo!r}, {port}
def attempt(what, action):
    try:
        action()
        print(what, "open")
    except Exception:
        print(what, "blocked")
attempt("read solutions", lambda: open(ROOT + "/solutions/03-sgd/03-sgd.ipynb").read())
attempt("read gradebook", lambda: open(ROOT + "/grading/gradebook.db", "rb").read())
attempt("write gradebook", lambda: sqlite3.connect(ROOT + "/grading/gradebook.db").execute(
    "UPDATE grade SET manual_score = 3").connection.commit())
attempt("write classmate", lambda: open(ROOT + "/grading/submitted/honest/03-sgd/03-sgd.ipynb", "w").write("{{}}"))
attempt("write autograded", lambda: open(ROOT + "/grading/autograded/honest/03-sgd/03-sgd.ipynb", "w").write("{{}}"))
attempt("write course", lambda: open(course.__file__, "a").write("# patched"))
attempt("write checkout", lambda: open(REPO + "/course/checks/__init__.py", "a").write("# patched"))
attempt("read home", lambda: os.listdir(os.path.expanduser("~root")) and open("/etc/shadow").read())
attempt("network", lambda: socket.create_connection(("127.0.0.1", PORT), timeout=2))
attempt("environment", lambda: os.environ[{canary!r}])
open("scratch.txt", "w").write("mine")  # the scratch copy of its own folder: allowed
subprocess.Popen(["sleep", {marker!r}])
subprocess.Popen(["sh", "-c", "nohup sleep {marker} >/dev/null 2>&1 &"], start_new_session=True)
import time
def sleepers():
    found = 0
    for proc in pathlib.Path("/proc").iterdir():
        try:
            found += (proc / "cmdline").read_bytes().split(b"\\x00")[:2] == [b"sleep", b"{marker}"]
        except OSError:
            pass
    return found
for _ in range(100):
    if sleepers() == 2:
        break
    time.sleep(0.05)
print("sleeping", sleepers())
"""
# Ways of calling the reference that the code inspection missed before.
DISGUISED = {
    "default_arg": "import course.optim\n"
                   "def sgd_step(theta, g, lr, _ref=course.optim.sgd_step):\n    return _ref(theta, g, lr)\n",
    "dict": "import course.optim\nREFS = {'f': course.optim.sgd_step}\n"
            "def sgd_step(theta, g, lr):\n    return REFS['f'](theta, g, lr)\n",
    "runtime_name": "import importlib\n"
                    "def sgd_step(theta, g, lr):\n"
                    "    return importlib.import_module(''.join(['cour', 'se.', 'optim'])).sgd_step(theta, g, lr)\n",
}
LEAK = "SEEN = []\n"
# Planted in the hidden tests of sgd_step in the course copy: their code, which the student's
# code must never see in its process.
HIDDEN_MARKER = "hidden-marker-2718"
# A student's sgd_step that looks for the hidden tests' code in everything its process ran
# (IPython's input history, the code of the cells on the stack) each time it is called,
# and gives a wrong step if it finds it, or if it cannot see its own cell's code there.
SEEKER = """
import inspect, linecache

def _sees_hidden_tests():
    marker = "-".join(["hidden", "marker", "2718"])
    texts = [str(line) for line in get_ipython().user_ns.get("_ih", [])]
    if not any("def sgd_step(" in text for text in texts):
        return True  # blind: a wrong step, so that the tests fail
    for frame in inspect.stack():
        if not frame.filename.startswith(("/opt/", "/usr/")):
            texts += linecache.getlines(frame.filename)
    return any(marker in text for text in texts)

def sgd_step(theta, g, lr):
    if _sees_hidden_tests():
        return theta + lr * g
    return theta - lr * g
"""
# Ways of disabling the checks from the student's own process (sgd_step is wrong).
PATCH_CHECKS = """
import course.checks, course.checks.sgd, course.checks.common
course.checks.check_sgd_step = course.checks.sgd.check_sgd_step = lambda *a, **k: None
course.checks.common.verify = lambda *a, **k: None
check_sgd_step = assert_own_implementation = lambda *a, **k: None
"""
SWALLOW_ERRORS = r"""
ip = get_ipython()
ip.input_transformers_post.append(
    lambda lines: ["try:\n"] + ["    " + l for l in lines] + ["\nexcept BaseException:\n    pass\n"])
ip.set_custom_exc((BaseException,), lambda *a, **k: None)
"""
FAKE_BRIDGE = """
import course.notebook_bridge
course.notebook_bridge.serve = lambda *a, **k: None
"""
# Changing the explorers' pictures from the student's process (sgd_step is wrong): the
# explorers and Explorer patched, Matplotlib's settings changed (and a matplotlibrc in its
# folder), and an IPython hook that shows a picture of its own after every cell but the
# graded tests' stand-ins.
PAINT = r"""
import base64, io, matplotlib, course.widgets
from PIL import Image
from IPython.display import Image as Picture, display
_buffer = io.BytesIO()
Image.new("RGB", (8, 8), "red").save(_buffer, format="png")
FAKE = _buffer.getvalue()
course.widgets.Explorer._repr_mimebundle_ = lambda self, **k: {
    "image/png": base64.b64encode(FAKE).decode(), "text/plain": "painted"}
for _name in course.widgets.__all__:
    setattr(course.widgets, _name, lambda *a, **k: Picture(data=FAKE))
matplotlib.rcParams.update({"lines.linewidth": 12, "axes.facecolor": "red", "font.size": 30})
open("matplotlibrc", "w").write("axes.facecolor: red\n")
get_ipython().input_transformers_post.append(
    lambda lines: lines if any("notebook_bridge" in line for line in lines)
    else lines + ["\ndisplay(Picture(data=FAKE))\n"])
"""


def _cell(nb, grade_id):
    return next(c for c in nb.cells if _nbgrader(c).get("grade_id") == grade_id)


def _solved(released, solution, **code):
    """The released notebook with every exercise solved; ``code`` replaces some answers."""
    nb = copy.deepcopy(released)
    answers = {_nbgrader(c)["grade_id"]: SOLUTION_MARKER.sub("", c.source)
               for c in solution.cells if _nbgrader(c).get("solution")}
    answers.update(code)
    for cell in nb.cells:
        if _nbgrader(cell).get("solution"):
            cell.source = answers[_nbgrader(cell)["grade_id"]]
    return nb


def _in_body(source: str, function: str, line: str) -> str:
    """``source`` with ``line`` as the first statement of ``function``'s body."""
    head = next(l for l in source.splitlines() if l.startswith(f"def {function}("))
    return source.replace(head, f"{head}\n    {line}", 1)


def _raw(nb, minor: int) -> str:
    """JSON of ``nb`` as nbformat 4.``minor`` without cell ids (as old Jupyter wrote it)."""
    data = json.loads(nbformat.writes(nb))
    data["nbformat_minor"] = minor
    for cell in data["cells"]:
        cell.pop("id", None)
    return json.dumps(data, indent=1)


def _submissions(repo: Path, released, solution, root: Path, port: int) -> dict[str, dict[str, str]]:
    """student -> {file name: notebook JSON}."""
    name = f"{A}.ipynb"
    answers = {_nbgrader(c)["grade_id"]: SOLUTION_MARKER.sub("", c.source)
               for c in solution.cells if _nbgrader(c).get("solution")}
    sign_error = (repo / "tests" / "mutants" / "sgd_step" / "sign_error.py").read_text()
    subs = {}

    subs["honest"] = _solved(released, solution)

    # sgd_step wrong and its visible test deleted; test_linear_decay deleted (code right);
    # test_minibatches moved to the end.
    nb = _solved(released, solution, sgd_step=sign_error)
    moved = _cell(nb, "test_minibatches")
    nb.cells = [c for c in nb.cells if _nbgrader(c).get("grade_id") not in ("test_sgd_step", "test_linear_decay", "test_minibatches")]
    nb.cells.append(moved)
    subs["deleted"] = nb

    # a test cell's grade_id renamed (and emptied)
    nb = _solved(released, solution)
    cell = _cell(nb, "test_linear_decay")
    cell.metadata.nbgrader["grade_id"], cell.source = "my_test", "pass"
    subs["renamed"] = nb

    # solution cell relabelled as a test worth 5; a test relabelled as a solution and
    # emptied; a hidden-test cell stripped of its nbgrader metadata
    nb = _solved(released, solution)
    _cell(nb, "sgd_step").metadata.nbgrader.update(grade=True, points=5, locked=True)
    cell = _cell(nb, "test_minibatches")
    cell.metadata.nbgrader.update(grade=False, solution=True, locked=False)
    cell.metadata.nbgrader.pop("points")
    cell.source = "pass"
    del _cell(nb, "test_linear_decay_hidden").metadata["nbgrader"]
    subs["relabelled"] = nb

    # locked cells edited: a test emptied (its code wrong), a hidden-test cell replaced (its
    # code right), a test's points raised, the title rewritten
    nb = _solved(released, solution, sgd_step=sign_error)
    _cell(nb, "test_sgd_step").source = "pass"
    _cell(nb, "test_minibatches_hidden").source = "print('all hidden tests pass')"
    _cell(nb, "test_linear_decay").metadata.nbgrader["points"] = 100
    _cell(nb, "title").source = "# My own lecture"
    subs["edited"] = nb

    # 50 MB printed by a solution cell; stderr (a print and a warning) from a graded function
    subs["loud"] = _solved(
        released, solution,
        sgd_step=answers["sgd_step"] + "\nprint('x' * 50_000_000)\n",
        linear_decay=_in_body(answers["linear_decay"], "linear_decay",
                              "import sys, warnings; print('debug', file=sys.stderr); "
                              "warnings.warn('just a warning')"),
    )

    subs["looping"] = _solved(released, solution,
                              minibatches=_in_body(answers["minibatches"], "minibatches",  # sleeps: no CPU spent
                                                   "import time\n    while True:\n        time.sleep(0.05)"))

    # the released notebook, unsolved, plus a cell writing manual scores into the gradebook
    nb = copy.deepcopy(released)
    nb.cells.insert(3, nbformat.v4.new_code_cell(FORGE))
    subs["mallory"] = nb

    # Killing the kernel: in a graded function (exit, segfault), in a solution cell's own
    # code, and a loop that ignores the interrupt; each costs only its exercise.
    subs["crasher"] = _solved(
        released, solution,
        sgd_step=_in_body(answers["sgd_step"], "sgd_step", "import os; os._exit(1)"),
        linear_decay=_in_body(answers["linear_decay"], "linear_decay", "import ctypes; ctypes.string_at(0)"),
    )
    subs["top_killer"] = _solved(released, solution, minibatches=answers["minibatches"]
                                 + "\nimport os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n")
    subs["stubborn"] = _solved(released, solution, sgd_step=_in_body(
        answers["sgd_step"], "sgd_step",
        "import time\n    while True:\n        try:\n            time.sleep(0.1)\n"
        "        except KeyboardInterrupt:\n            pass"))
    subs["hog"] = _solved(released, solution, linear_decay=_in_body(
        answers["linear_decay"], "linear_decay", "import numpy; hog = numpy.ones(2 ** 33)"))

    # Disabling the checks from the student's process, with a wrong sgd_step.
    subs["patcher"] = _solved(released, solution, sgd_step=sign_error + PATCH_CHECKS)
    subs["swallower"] = _solved(released, solution, sgd_step=sign_error + SWALLOW_ERRORS)
    subs["faker"] = _solved(released, solution, sgd_step=sign_error + FAKE_BRIDGE)
    subs["painter"] = _solved(released, solution, sgd_step=sign_error + PAINT)

    # The reference called in disguise, one way per exercise-free notebook.
    for way, code in DISGUISED.items():
        subs[f"disguised_{way}"] = _solved(released, solution, sgd_step=code)

    # Hidden inputs kept by the student's function and printed by a later cell, or printed
    # from inside the function.
    nb = _solved(released, solution, sgd_step=LEAK + _in_body(answers["sgd_step"], "sgd_step",
                                                                "SEEN.append(repr(g)); print(repr(g))"))
    nb.cells.append(nbformat.v4.new_code_cell("print(SEEN)"))
    subs["leaker"] = nb
    subs["seeker"] = _solved(released, solution, sgd_step=SEEKER)

    # Files, network, environment and processes outside the submission.
    nb = _solved(released, solution)
    nb.cells.insert(3, nbformat.v4.new_code_cell(SNOOP.format(
        root=str(root), repo=str(repo), port=port, canary=CANARY, marker=MARKER)))
    subs["snoop"] = nb

    subs = {student: {name: nbformat.writes(nb)} for student, nb in subs.items()}
    subs["old_nbformat"] = {name: _raw(_solved(released, solution), 4)}
    subs["no_ids"] = {name: _raw(_solved(released, solution), 5)}
    subs["two_copies"] = {name: nbformat.writes(_solved(released, solution)),
                          f"{A}-Copy1.ipynb": nbformat.writes(released)}
    return subs


EXPECTED = {
    "honest": FULL,
    "deleted": {**FULL, "test_sgd_step": 0, "test_sgd_step_hidden": 0},
    "renamed": FULL,
    "relabelled": FULL,
    "edited": {**FULL, "test_sgd_step": 0, "test_sgd_step_hidden": 0},
    "loud": FULL,
    "looping": {**FULL, "test_minibatches": 0, "test_minibatches_hidden": 0},
    "mallory": dict.fromkeys(FULL, 0),
    "crasher": {**FULL, "test_sgd_step": 0, "test_sgd_step_hidden": 0,
                "test_linear_decay": 0, "test_linear_decay_hidden": 0},
    "top_killer": {**FULL, "test_minibatches": 0, "test_minibatches_hidden": 0},
    "stubborn": {**FULL, "test_sgd_step": 0, "test_sgd_step_hidden": 0},
    "hog": {**FULL, "test_linear_decay": 0, "test_linear_decay_hidden": 0},
    "patcher": {**FULL, "test_sgd_step": 0, "test_sgd_step_hidden": 0},
    "swallower": {**FULL, "test_sgd_step": 0, "test_sgd_step_hidden": 0},
    "faker": dict.fromkeys(FULL, 0),  # it broke the grading of every test after it
    "painter": {**FULL, "test_sgd_step": 0, "test_sgd_step_hidden": 0},
    **{f"disguised_{way}": {**FULL, "test_sgd_step": 0, "test_sgd_step_hidden": 0} for way in DISGUISED},
    "snoop": FULL,
    "leaker": FULL,
    "seeker": FULL,
    "old_nbformat": FULL,
    "no_ids": FULL,
    "two_copies": FULL,
}


def _sources(folder: Path) -> dict[str, str]:
    """The digests of a folder's files but Python's bytecode caches, which the grader's own
    imports of the checkout's course/ may write (the sandbox sees a copy of it only)."""
    return {path: digest for path, digest in _tree_digest(folder).items() if "__pycache__" not in Path(path).parts}


@pytest.fixture(scope="module")
def graded(repo, tmp_path_factory):
    """Release lecture 03 in a course copy, autograde every submission in one batch."""
    root = tmp_path_factory.mktemp("hostile")
    config = (repo / "nbgrader_config.py").read_text()
    (root / "nbgrader_config.py").write_text(
        config + f"\nc.Execute.timeout = {TIMEOUT}  # test: quicker loops\nc.GradeExecute.grace = 3\n")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.setblocking(False)
    shutil.copytree(repo / "solutions" / A, root / "solutions" / A, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    source = root / "solutions" / A / f"{A}.ipynb"
    nb = nbformat.read(source, as_version=4)
    hidden = _cell(nb, "test_sgd_step_hidden")
    hidden.source = hidden.source.replace("### BEGIN HIDDEN TESTS\n", f"### BEGIN HIDDEN TESTS\n# {HIDDEN_MARKER}\n")
    assert HIDDEN_MARKER in hidden.source
    nbformat.write(nb, source)
    cli.release(root, [A])
    solution = nbformat.read(root / "solutions" / A / f"{A}.ipynb", as_version=4)
    released = nbformat.read(root / "notebooks" / A / f"{A}.ipynb", as_version=4)
    assert HIDDEN_MARKER not in json.dumps(released)
    submitted = root / "grading" / "submitted"
    for student, files in _submissions(repo, released, solution, root, listener.getsockname()[1]).items():
        (submitted / student / A).mkdir(parents=True)
        for filename, text in files.items():
            (submitted / student / A / filename).write_text(text)
    before = _tree_digest(submitted)
    outside = {folder: _sources(folder) for folder in (root / "solutions", root / "notebooks", repo / "course")}

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), _environment(CANARY, "secret"):
        cli.autograde(root, jobs=2)
    print(printed.getvalue())
    try:
        listener.accept()
        connected = True
    except BlockingIOError:
        connected = False
    listener.close()
    survivors = subprocess.run(["pgrep", "-f", f"sleep {MARKER}"], capture_output=True, text=True).stdout.split()
    api = cli._api(root)
    for student in ("looping", "loud", "painter"):
        assert api.generate_feedback(A, student, force=True)["success"]

    scores, max_scores = {}, {}
    with Gradebook(f"sqlite:///{root / 'grading' / 'gradebook.db'}", "optim-dl") as gradebook:
        for student in EXPECTED:
            notebook = gradebook.find_submission_notebook(A, A, student)
            scores[student] = {g.name: g.score for g in notebook.grades}
            max_scores[student] = {g.name: g.max_score for g in notebook.grades}
            assert all(g.extra_credit in (None, 0) for g in notebook.grades), f"{student}: extra credit"
    report = list(csv.DictReader((root / "grading" / "tamper-report.csv").open()))
    return {"root": root, "scores": scores, "max_scores": max_scores, "report": report,
            "printed": printed.getvalue(), "before": before, "outside": outside,
            "connected": connected, "survivors": survivors}


@contextlib.contextmanager
def _environment(name, value):
    os.environ[name] = value
    try:
        yield
    finally:
        del os.environ[name]


def _autograded(graded, student):
    return nbformat.read(graded["root"] / "grading" / "autograded" / student / A / f"{A}.ipynb", as_version=4)


def _changes(graded, student, forged=False):
    """The tamper report's (cell, change) rows for ``student``; without the manual scores
    that mallory's code wrote for classmates graded before her, unless ``forged``."""
    return {(row["cell"], row["change"]) for row in graded["report"]
            if row["student"] == student and (forged or "(after the batch)" not in row["change"])}


def _has(changes, cell, words):
    return any(c == cell and words in change for c, change in changes)


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_each_graded_cell_scores_what_the_code_deserves(graded, student):
    assert graded["scores"][student] == EXPECTED[student]
    assert graded["max_scores"][student] == FULL, "the points of a test cell come from the source"


def test_honest_submissions_leave_the_tamper_report_empty(graded):
    for student in ("honest", "old_nbformat", "no_ids", "two_copies", "loud", "looping", "crasher", "stubborn",
                    "snoop", "patcher"):
        assert not _changes(graded, student), student


def test_deleted_cells_are_put_back_where_they_were(graded):
    changes = _changes(graded, "deleted")
    assert _has(changes, "test_sgd_step", "put back") and _has(changes, "test_linear_decay", "put back")
    assert len(changes) == 2, "a moved cell is no change"
    ids = [_nbgrader(c).get("grade_id") for c in _autograded(graded, "deleted").cells]
    assert ids.index("test_sgd_step") == ids.index("sgd_step") + 1
    assert ids.index("test_linear_decay") == ids.index("linear_decay") + 1
    assert ids[-1] == "test_minibatches"


def test_relabelled_cells_are_restored_and_reported(graded):
    renamed, relabelled = _changes(graded, "renamed"), _changes(graded, "relabelled")
    assert _has(renamed, "my_test", "not in the gradebook") and _has(renamed, "test_linear_decay", "put back")
    assert _has(relabelled, "sgd_step", "grade True -> False")
    assert _has(relabelled, "test_minibatches", "solution True -> False")
    assert _has(relabelled, "test_minibatches", "locked cell edited")
    assert _has(relabelled, "test_linear_decay_hidden", "put back")
    cell = _cell(_autograded(graded, "relabelled"), "sgd_step")
    assert not _nbgrader(cell)["grade"] and "def sgd_step" in cell.source, "the student's answer stays"


def test_locked_cell_edits_are_reverted_and_reported(graded):
    changes = _changes(graded, "edited")
    assert _has(changes, "test_sgd_step", "locked cell edited, reverted: 'check_sgd_step(sgd_step)' -> 'pass'")
    assert _has(changes, "test_minibatches_hidden", "locked cell edited")
    assert _has(changes, "test_linear_decay", "points 100 -> 2.0")
    assert _has(changes, "title", "locked cell edited")
    assert len(changes) == 4
    assert "edited/03-sgd/03-sgd test_sgd_step: locked cell edited" in graded["printed"]
    nb = _autograded(graded, "edited")
    assert "### BEGIN HIDDEN TESTS" in _cell(nb, "test_minibatches_hidden").source


def test_student_code_cannot_reach_the_gradebook(graded):
    [error] = [o for o in _autograded(graded, "mallory").cells[3].outputs if o.output_type == "error"]
    assert error.ename == "StopIteration", "no gradebook.db above the kernel's folder"
    assert not _changes(graded, "mallory", forged=True)
    for student in EXPECTED:
        assert "manual_score" not in str(_changes(graded, student, forged=True)), student


def test_manual_scores_on_autograded_cells_are_cleared(graded, tmp_path):
    """Manual scores come from the instructor only: any left on autograded cells go."""
    db = tmp_path / "gradebook.db"
    shutil.copy(graded["root"] / "grading" / "gradebook.db", db)
    url = f"sqlite:///{db}"
    with Gradebook(url, "optim-dl") as gradebook:
        for grade in gradebook.find_submission_notebook(A, A, "honest").grades:
            grade.manual_score, grade.extra_credit = 3, 1
        gradebook.db.commit()
    changes = clear_manual_scores(url, "optim-dl", [("honest", A)])
    assert {c[3] for c in changes} == set(FULL)
    with Gradebook(url, "optim-dl") as gradebook:
        grades = gradebook.find_submission_notebook(A, A, "honest").grades
        assert all(g.manual_score is None and not g.extra_credit for g in grades)
        assert {g.name: g.score for g in grades} == FULL


def _printed(graded, student, cell_index):
    return "".join(o.get("text", "") for o in _autograded(graded, student).cells[cell_index].outputs
                   if o.output_type == "stream")


def test_nothing_outside_the_submission_is_readable_or_writable(graded):
    lines = _printed(graded, "snoop", 3).splitlines()
    attempts = dict(line.rsplit(" ", 1) for line in lines if line.endswith(("open", "blocked")))
    assert attempts == {what: "blocked" for what in (
        "read solutions", "read gradebook", "write gradebook", "write classmate", "write autograded",
        "write course", "write checkout", "read home", "network", "environment")}
    assert not graded["connected"], "the kernel reached the grader's network"
    for folder, digest in graded["outside"].items():
        assert _sources(folder) == digest, folder
    own = graded["root"] / "grading" / "autograded" / "snoop" / A
    assert sorted(p.name for p in own.iterdir()) == [f"{A}.ipynb"], "the scratch copy stays in the sandbox"


def test_no_process_outlives_its_grading(graded):
    """The snoop's cell started two sleeping processes (one in a session of its own,
    detached); neither is left once its notebook is graded."""
    assert "sleeping 2" in _printed(graded, "snoop", 3).splitlines()
    assert graded["survivors"] == []


def test_a_dead_kernel_costs_only_its_exercise(graded):
    nb = _autograded(graded, "crasher")
    for name in ("test_sgd_step", "test_linear_decay"):
        [error] = [o for o in _cell(nb, name).outputs if o.output_type == "error"]
        assert error.ename == "ProcessDied"
        assert error.evalue.startswith(f"the Python process running your notebook died in `{name[5:]}`")
    nb = _autograded(graded, "top_killer")
    [error] = [o for o in _cell(nb, "minibatches").outputs if o.output_type == "error"]
    assert error.ename == "ProcessDied" and "while running this cell" in error.evalue


def test_a_loop_that_ignores_the_interrupt_costs_only_its_exercise(graded):
    nb = _autograded(graded, "stubborn")
    [error] = [o for o in _cell(nb, "test_sgd_step").outputs if o.output_type == "error"]
    assert error.ename == "Timeout" and "in `sgd_step`" in error.evalue


def test_the_checks_cannot_be_disabled_from_the_notebook(graded):
    for student in ("patcher", "swallower"):
        [error] = [o for o in _cell(_autograded(graded, student), "test_sgd_step").outputs
                   if o.output_type == "error"]
        assert error.ename == "CheckFailed" and "sign" in error.evalue, student
    [error] = [o for o in _cell(_autograded(graded, "faker"), "test_minibatches").outputs
               if o.output_type == "error"]
    assert error.ename == "GraderError" and "could not reach" in error.evalue


def test_the_reference_in_disguise_is_refused(graded):
    for way in DISGUISED:
        [error] = [o for o in _cell(_autograded(graded, f"disguised_{way}"), "test_sgd_step").outputs
                   if o.output_type == "error"]
        assert "course's reference code" in error.evalue, way


def _hidden_inputs(seed: int = 3141) -> list[str]:
    """repr() of every gradient the hidden test of sgd_step passes to a right answer."""
    import course.checks.sgd as checks

    seen = []

    def sgd_step(theta, g, lr):
        seen.append(repr(g))
        return theta - lr * g

    checks.check_sgd_step(sgd_step, seed=seed, reveal=False)
    return seen


def test_hidden_inputs_never_reach_the_feedback(graded):
    """Hidden tests run after every other cell, and what the student's function prints
    during them is not kept."""
    hidden = _hidden_inputs()
    assert hidden
    api = cli._api(graded["root"])
    assert api.generate_feedback(A, "leaker", force=True)["success"]
    nb = _autograded(graded, "leaker")
    printed = json.dumps([c.get("outputs", []) for c in nb.cells])
    page = (graded["root"] / "grading" / "feedback" / "leaker" / A / f"{A}.html").read_text()
    for text in (printed, page):
        assert not [g for g in hidden if g in text or g.replace("\n", "\\n") in text]
    assert "array(" in _printed(graded, "leaker", len(nb.cells) - 1), "the visible test's inputs are shown"
    assert "not shown" in json.dumps(_cell(nb, "test_sgd_step_hidden").outputs)


def test_hidden_tests_never_reach_the_notebook(graded):
    """Their code is not run there: the seeker's sgd_step, which gives a wrong step
    whenever its process's input history or stack holds the marker planted in the hidden
    tests of sgd_step (or holds not even the seeker's own cell), passes them; no hidden
    test cell has an execution count."""
    assert graded["scores"]["seeker"]["test_sgd_step_hidden"] == FULL["test_sgd_step_hidden"]
    assert graded["scores"]["seeker"] == FULL
    hidden = [c for c in _autograded(graded, "honest").cells if "### BEGIN HIDDEN TESTS" in c.source]
    assert {c.metadata.nbgrader.grade_id for c in hidden} == {cell for cell in FULL if cell.endswith("_hidden")}
    assert HIDDEN_MARKER in _cell(_autograded(graded, "honest"), "test_sgd_step_hidden").source
    assert all(cell.execution_count is None for cell in hidden)


def test_output_is_capped_in_bytes(graded):
    nb = _autograded(graded, "loud")
    outputs = _cell(nb, "sgd_step").outputs
    stored = sum(len(o.get("text", "").encode()) for o in outputs)
    assert stored <= 100_000 + 500
    assert "of output not stored" in outputs[-1].text
    path = graded["root"] / "grading" / "autograded" / "loud" / A / f"{A}.ipynb"
    assert path.stat().st_size < 1_500_000
    page = graded["root"] / "grading" / "feedback" / "loud" / A / f"{A}.html"
    assert page.stat().st_size < 2_500_000


def test_the_explorers_pictures_are_out_of_the_students_reach(graded):
    """The explorer cells run as a no-op in the kernel (grader/explorers.py): the painter's
    patched explorers, Matplotlib settings and display hook change none of their pictures,
    in the notebook or its feedback; its own cells show what its code displayed."""
    honest, painter = _autograded(graded, "honest"), _autograded(graded, "painter")
    page = (graded["root"] / "grading" / "feedback" / "painter" / A / f"{A}.html").read_text()
    explorers = [i for i, c in enumerate(honest.cells) if c.cell_type == "code" and c.source.startswith("widgets.")]
    assert len(explorers) == 2
    for index in explorers:
        assert painter.cells[index].source == honest.cells[index].source
        assert painter.cells[index].outputs == honest.cells[index].outputs
        [picture] = [o.data["image/png"] for o in honest.cells[index].outputs]
        assert picture in page
    painted = [o.data["image/png"] for c in painter.cells if c.cell_type == "code" for o in c.outputs
               if o.output_type == "display_data" and "image/png" in o.data]
    assert painted, "the hook showed its picture after the painter's own cells"
    assert all(painted[0] not in json.dumps(painter.cells[index].outputs) for index in explorers)


def test_stderr_alone_does_not_fail_a_test(graded):
    outputs = _cell(_autograded(graded, "loud"), "test_linear_decay").outputs
    assert any(o.output_type == "stream" and o.name == "stderr" for o in outputs)
    assert graded["scores"]["loud"]["test_linear_decay"] == 2


def test_a_timeout_is_told_in_plain_words(graded):
    nb = _autograded(graded, "looping")
    for name in ("test_minibatches", "test_minibatches_hidden"):
        [error] = [o for o in _cell(nb, name).outputs if o.output_type == "error"]
        assert error.evalue.startswith(f"your code ran longer than {TIMEOUT} s in `minibatches`")
    page = graded["root"] / "grading" / "feedback" / "looping" / A / f"{A}.html"
    text = _Text.of(page.read_text())
    assert f"your code ran longer than {TIMEOUT} s in `minibatches`" in text
    assert "KeyboardInterrupt" not in text and "CellTimeoutError" not in text


def test_grading_leaves_submissions_untouched(graded):
    assert _tree_digest(graded["root"] / "grading" / "submitted") == graded["before"]


def test_without_bubblewrap_autograding_refuses_and_says_what_to_do(repo, tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    sandbox.check_available.cache_clear()
    try:
        with pytest.raises(sandbox.SandboxUnavailable, match="apt-get install bubblewrap"):
            sandbox.check_available()
        shutil.copy(repo / "nbgrader_config.py", tmp_path)
        with pytest.raises(cli.PipelineError, match="make autograde UNSAFE=1"):
            cli.autograde(tmp_path)
        with pytest.raises(cli.PipelineError, match="no submissions"):  # --unsafe goes on
            cli.autograde(tmp_path, unsafe=True)
    finally:
        sandbox.check_available.cache_clear()


def test_caps_count_bytes_of_every_kind_of_output(tmp_path):
    """GradeExecute alone: text, pictures, cleared animations, many tiny outputs, errors."""
    cells = [
        "for i in range(200):\n    print('y' * 10_000, flush=True)",
        "from IPython.display import display, clear_output\n"
        "for i in range(20):\n    display({'image/png': 'A' * 150_000}, raw=True)",
        "for i in range(30):\n    clear_output(wait=True)\n    display({'image/png': 'B' * 150_000}, raw=True)",
        "for i in range(3000):\n    display('z')",
        "raise ValueError('x' * 1_000_000)",
        "print('fine')",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    # Without the sandbox: the caps are the same, and this covers GradeExecute.sandbox = False.
    GradeExecute(timeout=30, sandbox=False).preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    sizes = [len(json.dumps(c.outputs)) for c in nb.cells]
    cut = ["of output not stored" in c.outputs[-1].get("text", "") for c in nb.cells]
    assert cut == [True, True, False, True, True, False]
    assert sizes[0] < 101_000 and 700_000 < sizes[1] < 1_001_000 and sizes[3] < 121_000
    assert sizes[2] < 151_000 and len(nb.cells[2].outputs) == 1, "cleared output gives its bytes back"
    [error] = [o for o in nb.cells[4].outputs if o.output_type == "error"]
    assert error.ename == "ValueError" and sizes[4] < 10_000
    assert nb.cells[5].outputs[0].text == "fine\n"


def test_the_sandboxed_course_is_compiled():
    """The kernel's read-only copy of the course package holds each module's bytecode:
    a kernel, which cannot write there, reads it instead of compiling the module."""
    import importlib.util

    folder = Path(sandbox.course_snapshot()) / "course"
    modules = sorted(folder.rglob("*.py"))
    assert len(modules) > 20
    assert all(Path(importlib.util.cache_from_source(str(module))).is_file() for module in modules)
