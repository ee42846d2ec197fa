"""Explorer cells graded without running them in the kernel (grader/explorers.py).

Two copies of the course grade the same submissions of lectures 04 and 06 in one batch
each: one as ``make autograde`` does (explorer cells stood in by a no-op, their default
picture drawn once by the grader), one with the explorers run in the kernel as before
(``StandInExplorers`` and ``ExplorerPictures`` left out of ``nbgrader_config.py``).
Scores, the tamper report and the feedback pages must be the same. The students:

* alice submits the solutions;
* carol one typical mistake (tests/mutants/);
* dave (lecture 06) the solutions, with an explorer cell edited (another setting,
  reverted and reported), a visible test deleted (put back), and an explorer cell of his
  own (not the instructor's: it runs in his kernel, in both copies).

The cache (in memory, on disk, keyed by the cell's source and the course's digest) and
the recognition of explorer cells are tested on their own.
"""

from __future__ import annotations

import base64
import copy
import csv
import io
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from test_nbgrader_roundtrip import MISTAKES, SOLUTION_MARKER, _cell_outputs_html, _nbgrader, _Text

from grader import cli, explorers
from grader.explorer_draw import draw, explorer_call

pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")

# Lecture 06 draws curves at the round-off floor (its CG residuals): the pictures show
# whether the grader draws them with the sandboxed kernel's arithmetic.
STUDENTS = {"04-momentum": ("alice", "carol"), "06-second-order": ("alice", "carol", "dave")}
LECTURES = tuple(STUDENTS)
SUBMISSIONS = [(lecture, student) for lecture, students in STUDENTS.items() for student in students]
WAYS = ("stood_in", "run")
# The configuration without the explorers' stand-ins: explorers run in the kernel.
RUN_IN_KERNEL = """
from grader.explorers import ExplorerPictures, StandInExplorers
c.Autograde.autograde_preprocessors = [p for p in c.Autograde.autograde_preprocessors
                                       if p not in (StandInExplorers, ExplorerPictures)]
"""
IMG = re.compile(r'<img [^>]*src="data:image/png;base64,([^"]+)"')


@pytest.fixture(scope="module", autouse=True)
def own_pictures_folder(shared_explorer_pictures):
    """This module tests the cache in grading/.explorer-pictures itself: no shared folder,
    and none of the pictures that modules graded before in this process keep in memory."""
    with pytest.MonkeyPatch.context() as env:
        env.delenv("COURSE_EXPLORER_PICTURES")
        env.setattr(explorers, "_MEMORY", {})
        yield


def _explorer_ids(nb) -> list[str]:
    return [_nbgrader(c)["grade_id"] for c in nb.cells
            if c.cell_type == "code" and _nbgrader(c).get("locked") and explorer_call(c.source)]


def _submissions(repo: Path, root: Path, lecture: str) -> dict[str, nbformat.NotebookNode]:
    solution = nbformat.read(root / "solutions" / lecture / f"{lecture}.ipynb", as_version=4)
    released = nbformat.read(root / "notebooks" / lecture / f"{lecture}.ipynb", as_version=4)
    answers = {_nbgrader(c)["grade_id"]: SOLUTION_MARKER.sub("", c.source)
               for c in solution.cells if _nbgrader(c).get("solution")}

    def solved(**code) -> nbformat.NotebookNode:
        nb = copy.deepcopy(released)
        for cell in nb.cells:
            if _nbgrader(cell).get("solution"):
                cell.source = {**answers, **code}[_nbgrader(cell)["grade_id"]]
        return nb

    function, mutant = MISTAKES[lecture]
    dave = solved()
    first, *_ = _explorer_ids(dave)
    edited = next(c for c in dave.cells if _nbgrader(c).get("grade_id") == first)
    edited.source = edited.source.replace("()", "(dpi=40)")
    test = f"test_{function}"
    dave.cells = [c for c in dave.cells if _nbgrader(c).get("grade_id") != test]
    own = nbformat.v4.new_code_cell(edited.source.replace("(dpi=40)", "()"))  # his own
    own.id = "daves-own-explorer"
    dave.cells.append(own)
    carol = solved(**{function: (repo / "tests" / "mutants" / function / f"{mutant}.py").read_text()})
    return {student: nb for student, nb in {"alice": solved(), "carol": carol, "dave": dave}.items()
            if student in STUDENTS[lecture]}


def _grade(repo: Path, root: Path, way: str) -> dict:
    shutil.copy(repo / "nbgrader_config.py", root)
    if way == "run":
        with (root / "nbgrader_config.py").open("a") as config:
            config.write(RUN_IN_KERNEL)
    for lecture in LECTURES:
        shutil.copytree(repo / "solutions" / lecture, root / "solutions" / lecture)
    cli.release(root, list(LECTURES))
    for lecture in LECTURES:
        for student, nb in _submissions(repo, root, lecture).items():
            folder = root / "grading" / "submitted" / student / lecture
            folder.mkdir(parents=True)
            nbformat.write(nb, folder / f"{lecture}.ipynb")
    cli.autograde(root)
    cli.feedback(root)
    scores = {}
    with Gradebook(f"sqlite:///{root / 'grading' / 'gradebook.db'}", "optim-dl") as gradebook:
        for lecture, student in SUBMISSIONS:
            notebook = gradebook.find_submission_notebook(lecture, lecture, student)
            scores[student, lecture] = {g.name: (g.score, g.needs_manual_grade) for g in notebook.grades}
    report = [{k: v for k, v in row.items()} for row in csv.DictReader((root / "grading" / "tamper-report.csv").open())]
    return {"root": root, "scores": scores, "report": report}


@pytest.fixture(scope="module")
def graded(repo, tmp_path_factory):
    """Both ways, each one batch of every student and lecture."""
    return {way: _grade(repo, tmp_path_factory.mktemp(way), way) for way in WAYS}


def _solution(graded, lecture):
    return nbformat.read(graded["stood_in"]["root"] / "solutions" / lecture / f"{lecture}.ipynb", as_version=4)


def _page(graded, way, student, lecture) -> str:
    return (graded[way]["root"] / "grading" / "feedback" / student / lecture / f"{lecture}.html").read_text()


def _autograded(graded, way, student, lecture):
    path = graded[way]["root"] / "grading" / "autograded" / student / lecture / f"{lecture}.ipynb"
    return nbformat.read(path, as_version=4)


def test_scores_are_the_same(graded):
    stood_in, run = graded["stood_in"]["scores"], graded["run"]["scores"]
    assert stood_in == run
    for lecture in LECTURES:  # and the grading did grade: full marks, a mistake caught
        function, _ = MISTAKES[lecture]
        assert all(score for cell, (score, manual) in stood_in["alice", lecture].items() if not manual)
        assert not stood_in["carol", lecture][f"test_{function}"][0]


def test_the_tamper_report_is_the_same(graded):
    rows = graded["stood_in"]["report"]
    assert rows == graded["run"]["report"]
    lecture = "06-second-order"
    dave = {(row["assignment"], row["cell"]) for row in rows if row["student"] == "dave"}
    function, _ = MISTAKES[lecture]
    assert {(lecture, f"test_{function}"), (lecture, _explorer_ids(_solution(graded, lecture))[0])} <= dave
    assert {row["student"] for row in rows} == {"dave"}


@pytest.mark.parametrize("lecture, student", SUBMISSIONS)
def test_feedback_is_the_same(graded, lecture, student):
    """The feedback page shows the same text and the same pictures, in the same order, as
    when the explorers ran in the kernel. (Not the same bytes: the kernel may send one
    printed line as one output or two, which the page then shows as two blocks.)"""
    stood_in, run = (_page(graded, way, student, lecture) for way in WAYS)
    assert _Text.of(stood_in) == _Text.of(run)
    assert IMG.findall(stood_in) == IMG.findall(run)
    assert len(IMG.findall(stood_in)) >= len(_explorer_ids(_solution(graded, lecture)))


@pytest.mark.parametrize("lecture", LECTURES)
def test_explorer_cells_show_their_default_picture(graded, lecture):
    """Each explorer cell of the instructor's shows the same PNG in every feedback page
    (dave's edit reverted), and its source is the instructor's."""
    ids = _explorer_ids(_solution(graded, lecture))
    assert ids
    pictures = {}
    for student in STUDENTS[lecture]:
        page = _page(graded, "stood_in", student, lecture)
        nb = _autograded(graded, "stood_in", student, lecture)
        for cell in nb.cells:
            if _nbgrader(cell).get("grade_id") in ids:
                [shown] = IMG.findall(_cell_outputs_html(page, cell.id))
                pictures.setdefault(_nbgrader(cell)["grade_id"], set()).add(shown)
                assert cell.source != explorers.STAND_IN and explorer_call(cell.source)
                assert [sorted(o.data) for o in cell.outputs] == [["image/png", "text/plain"]]
                assert cell.outputs[0].data["image/png"] == shown
    assert sorted(pictures) == sorted(ids)
    assert all(len(shown) == 1 for shown in pictures.values()), "one picture per explorer cell"


def test_a_students_own_explorer_cell_runs_in_the_kernel(graded):
    """dave's own explorer cell (not in the gradebook) ran in his kernel: a live widget
    view, and the same default picture as the instructor's cell."""
    lecture = "06-second-order"
    nb = _autograded(graded, "stood_in", "dave", lecture)
    first = _explorer_ids(_solution(graded, lecture))[0]
    [instructors] = [c for c in nb.cells if _nbgrader(c).get("grade_id") == first]
    own = nb.cells[-1]
    assert own.id == "daves-own-explorer" and own.source == instructors.source
    assert "application/vnd.jupyter.widget-view+json" in own.outputs[0].data
    assert own.outputs[0].data["image/png"] == instructors.outputs[0].data["image/png"]


def test_the_pictures_are_drawn_once_and_cached_on_disk(graded):
    cache = graded["stood_in"]["root"] / "grading" / ".explorer-pictures"
    drawn = sorted(cache.glob("*.json"))
    ids = [i for lecture in LECTURES for i in _explorer_ids(_solution(graded, lecture))]
    assert len(drawn) == len(ids)
    assert not (graded["run"]["root"] / "grading" / ".explorer-pictures").exists()


# ----------------------------------------------------------------------- the cache


SOURCE = "widgets.momentum_rate_explorer()"
FAKE = [{"output_type": "execute_result", "data": {"image/png": "iVBORw0KGgo=", "text/plain": "<Explorer>"},
         "metadata": {}, "execution_count": None}]


@pytest.fixture
def drawings(monkeypatch):
    """Each call of the drawing process, faked: the sources it was asked to draw."""
    calls = []

    def fake(sources, folder, log):
        calls.append((list(sources), folder))
        return [FAKE for _ in sources]

    monkeypatch.setattr(explorers, "_draw_elsewhere", fake)
    monkeypatch.setattr(explorers, "_MEMORY", {})
    return calls


def test_a_picture_is_drawn_once_per_process_and_once_per_cache(drawings, tmp_path, monkeypatch):
    assert explorers.pictures([SOURCE, SOURCE], tmp_path) == {SOURCE: FAKE}
    assert explorers.pictures([SOURCE], tmp_path) == {SOURCE: FAKE}
    assert len(drawings) == 1 and drawings[0][0] == [SOURCE]
    monkeypatch.setattr(explorers, "_MEMORY", {})  # another process, the same cache folder
    assert explorers.pictures([SOURCE], tmp_path) == {SOURCE: FAKE}
    assert len(drawings) == 1
    assert explorers.pictures([SOURCE], tmp_path / "elsewhere") == {SOURCE: FAKE}
    assert len(drawings) == 1, "kept in this process"


def test_a_change_of_the_course_draws_the_pictures_again(drawings, tmp_path, repo):
    folder = tmp_path / "course"
    shutil.copytree(repo / "course", folder, ignore=shutil.ignore_patterns("__pycache__"))
    before = explorers.course_digest(folder)
    explorers.pictures([SOURCE], tmp_path / "cache", folder)
    (folder / "__pycache__").mkdir(exist_ok=True)
    (folder / "__pycache__" / "x.pyc").write_bytes(b"compiled")
    assert explorers.course_digest(folder) == before, "compiled files are not the course"
    explorers.pictures([SOURCE], tmp_path / "cache", folder)
    assert len(drawings) == 1
    widget = folder / "widgets" / "momentum.py"
    widget.write_text(widget.read_text() + "\n# changed\n")
    assert explorers.course_digest(folder) != before
    explorers.pictures([SOURCE], tmp_path / "cache", folder)
    assert len(drawings) == 2 and drawings[1] == ([SOURCE], folder)
    assert len(list((tmp_path / "cache").glob("*.json"))) == 2


def test_a_failed_drawing_is_not_kept(monkeypatch, tmp_path):
    monkeypatch.setattr(explorers, "_MEMORY", {})
    monkeypatch.setattr(explorers, "_draw_elsewhere", lambda sources, folder, log: None)
    assert explorers.pictures([SOURCE], tmp_path) == {SOURCE: None}
    assert not list(tmp_path.glob("*.json")) and not explorers._MEMORY


def test_the_drawing_process_draws_what_the_explorer_shows(tmp_path, monkeypatch):
    """python -m grader.explorer_draw, as the grader runs it: the explorer's PNG fallback
    and text (the same picture as this process draws, up to the last bits of BLAS, which
    this process may run with other kernels); None for what is not a course explorer."""
    monkeypatch.setattr(explorers, "_MEMORY", {})
    monkeypatch.setenv("COURSE_BACKEND", "numpy")
    import matplotlib
    import numpy as np
    from PIL import Image

    from course import widgets

    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        bundle = widgets.momentum_rate_explorer()._repr_mimebundle_()
    drawn = explorers.pictures([SOURCE, "widgets.Explorer()", "widgets.no_such_explorer()"], tmp_path)
    [output] = drawn[SOURCE]
    assert output == {"output_type": "execute_result", "metadata": {}, "execution_count": None,
                      "data": {"image/png": output["data"]["image/png"], "text/plain": bundle["text/plain"]}}
    here, there = (np.asarray(Image.open(io.BytesIO(base64.b64decode(png))))
                   for png in (bundle["image/png"], output["data"]["image/png"]))
    assert here.shape == there.shape and np.mean(here == there) > 0.999
    assert drawn["widgets.Explorer()"] is None and drawn["widgets.no_such_explorer()"] is None
    assert json.loads((tmp_path / f"{explorers.cache_key(SOURCE, explorers.course_digest())}.json").read_text())


@pytest.mark.parametrize("source, call", [
    ("widgets.sgd_explorer()", ("sgd_explorer", [], {})),
    ('widgets.adaptive_explorer(problem="quadratic", gd_lr=0.3,\n    adam_lr=0.1)',
     ("adaptive_explorer", [], {"problem": "quadratic", "gd_lr": 0.3, "adam_lr": 0.1})),
    ("widgets.x(1, (2, -3.5), key=None)  # a comment", ("x", [1, (2, -3.5)], {"key": None})),
    ("widgets.sgd_explorer(lr=np.pi)", None),
    ("widgets.sgd_explorer(*args)", None),
    ("widgets.sgd_explorer(**options)", None),
    ("e = widgets.sgd_explorer()", None),
    ("widgets.sgd_explorer()\nwidgets.sgd_explorer()", None),
    ("widgets.sgd_explorer().controls", None),
    ("course.widgets.sgd_explorer()", None),
    ("other.sgd_explorer()", None),
    ("widgets.sgd_explorer(", None),
    ("widgets.sgd_explorer(__import__('os').system('true'))", None),
])
def test_explorer_cells_are_recognised_from_their_source_alone(source, call):
    found = explorer_call(source)
    assert (found if found is None else tuple(found)) == call


def test_draw_calls_only_explorers_of_the_course():
    assert draw("widgets.Explorer({}, None, None)") is None
    assert draw("widgets.log_slider('lr', 0.1, 0.01, 1.0)") is None
    assert draw("print('hello')") is None


def test_the_pictures_are_drawn_in_a_sandboxed_kernels_environment(tmp_path):
    """Every variable a sandboxed kernel gets, but its paths and who it runs as, is the
    drawing process's too, and nothing of the grader's own environment (an
    OPENBLAS_CORETYPE) is."""
    from grader.sandbox import SandboxedKernelManager

    manager = SandboxedKernelManager(kernel_name="python3")
    manager.scratch = str(tmp_path)
    try:
        command = manager.sandbox_command()
    finally:
        shutil.rmtree(manager.shared_folder)
    kernel = {command[i + 1]: command[i + 2] for i, word in enumerate(command) if word == "--setenv"}
    assert "--clearenv" in command and kernel["OPENBLAS_NUM_THREADS"] == "1"
    drawing = explorers.drawing_environment(str(tmp_path))
    paths = {"HOME", "PYTHONPATH", "MPLCONFIGDIR", "USER", "LOGNAME", "NBGRADER_EXECUTION"}
    assert {k: v for k, v in kernel.items() if k not in paths} == {
        k: v for k, v in drawing.items() if k in kernel and k not in paths}
    assert set(drawing) - set(kernel) <= {"COURSE_BACKEND", "MPLBACKEND"}
    assert drawing["COURSE_BACKEND"] == "numpy"
    assert not Path(drawing["MPLCONFIGDIR"]).exists(), "Matplotlib's default settings"


def test_a_shared_pictures_folder_is_a_setting(repo, tmp_path, monkeypatch):
    """Several course copies may share one folder of pictures (COURSE_EXPLORER_PICTURES);
    without it each course keeps its own in grading/."""
    from grader import cli

    shutil.copy(repo / "nbgrader_config.py", tmp_path)
    assert cli._api(tmp_path).config.StandInExplorers.cache_dir == str(tmp_path / "grading" / ".explorer-pictures")
    monkeypatch.setenv("COURSE_EXPLORER_PICTURES", str(tmp_path / "shared"))
    assert cli._api(tmp_path).config.StandInExplorers.cache_dir == str(tmp_path / "shared")
