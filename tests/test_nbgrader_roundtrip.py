"""The whole nbgrader pipeline on a copy of the course, as an instructor runs it.

release -> three students' submissions -> autograde -> feedback -> grades, through
grader.cli (the code behind `make release|autograde|feedback|grades`):

* alice submits the solution notebooks: full marks;
* bob submits the released notebooks untouched: zero, and each demo that waits for an
  exercise prints the hint naming it;
* carol fills every exercise correctly except one, which holds a typical mistake
  from tests/mutants/<function>/: she loses points on that exercise's graded cells
  only.

Feedback must not show hidden tests, and grading must leave submissions untouched.
Carol's feedback and the Formgrader name her mistake with its id, and `make report`
counts it (and bob's untouched notebook as not attempted) in every lecture.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import html.parser
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from grader import cli, report

# nbgrader 0.9 with SQLAlchemy 2 warns about autoflush while grading; harmless.
pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")

STUDENTS = ("alice", "bob", "carol")
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
SOLUTION_MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*(\n|\Z)", re.M)
# Carol's typical mistake per assignment (other assignments: the first mutant found).
MISTAKES = {
    "03-sgd": ("sgd_step", "sign_error"),
    "04-momentum": ("nesterov_step", "gradient_at_theta"),
    "05-adaptive": ("adam_step", "no_bias_correction"),
    "06-second-order": ("nonlinear_cg", "fletcher_reeves"),
    "07-batch-norm": ("batchnorm_backward", "no_mean_term"),
    "08-init-and-averaging": ("glorot_uniform", "fan_in_only"),
    "09-strategies": ("continuation", "no_warm_start"),
}


def _nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def _mistake(repo: Path, assignment: str, nb: nbformat.NotebookNode) -> tuple[str, Path]:
    """Carol's mistake: the exercise and its mutant in tests/mutants/<exercise>/."""
    if assignment in MISTAKES:
        exercise, mutant = MISTAKES[assignment]
        path = repo / "tests" / "mutants" / exercise / f"{mutant}.py"
        assert path.is_file(), f"carol's mistake {path.relative_to(repo)} is missing"
        return exercise, path
    exercises = [_nbgrader(c)["grade_id"] for c in nb.cells if _nbgrader(c).get("solution")]
    for exercise in exercises:
        mutants = sorted((repo / "tests" / "mutants" / exercise).glob("*.py"))
        if mutants:
            return exercise, mutants[0]
    raise AssertionError(f"no mutant in tests/mutants/<exercise>/ for any of {exercises}")


def _carol(released: nbformat.NotebookNode, solution: nbformat.NotebookNode, mistake: str, mutant: Path):
    """The released notebook with every exercise solved, ``mistake`` by ``mutant``."""
    answers = {
        _nbgrader(c)["grade_id"]: SOLUTION_MARKER.sub("", c.source)
        for c in solution.cells
        if _nbgrader(c).get("solution")
    }
    answers[mistake] = mutant.read_text()
    for cell in released.cells:
        if _nbgrader(cell).get("solution"):
            cell.source = answers[_nbgrader(cell)["grade_id"]]
    return released


def _tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


class _Text(html.parser.HTMLParser):
    """The visible text of an HTML page (no styles or scripts), whitespace collapsed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)

    @classmethod
    def of(cls, page: str) -> str:
        parser = cls()
        parser.feed(page)
        return _squash("".join(parser.parts))


def _squash(text: str) -> str:
    return " ".join(text.split())


def _code_lines(source: str) -> list[str]:
    return [_squash(line) for line in source.splitlines() if line.strip() and not line.strip().startswith("#")]


@pytest.fixture(scope="module")
def course(repo, assignments, tmp_path_factory):
    """A graded copy of the course: root, solution notebooks, mistakes, scores."""
    root = tmp_path_factory.mktemp("course")
    shutil.copy(repo / "nbgrader_config.py", root)
    shutil.copytree(repo / "solutions", root / "solutions", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    for assignment in assignments:
        assert (root / "solutions" / assignment / f"{assignment}.ipynb").is_file(), f"solutions/{assignment} is missing"
    timings = {}

    start = time.perf_counter()
    cli.release(root)
    timings["release"] = time.perf_counter() - start

    solutions, mistakes = {}, {}
    submitted = root / "grading" / "submitted"
    for assignment in assignments:
        name = f"{assignment}.ipynb"
        solution = nbformat.read(root / "solutions" / assignment / name, as_version=4)
        released = nbformat.read(root / "notebooks" / assignment / name, as_version=4)
        solutions[assignment] = solution
        mistakes[assignment] = _mistake(repo, assignment, solution)
        for student in STUDENTS:
            (submitted / student / assignment).mkdir(parents=True)
        shutil.copy(root / "solutions" / assignment / name, submitted / "alice" / assignment)
        shutil.copy(root / "notebooks" / assignment / name, submitted / "bob" / assignment)
        nbformat.write(_carol(released, solution, *mistakes[assignment]), submitted / "carol" / assignment / name)
    before = _tree_digest(submitted)

    for step in ("autograde", "feedback"):
        start = time.perf_counter()
        getattr(cli, step)(root)
        timings[step] = time.perf_counter() - start
    start = time.perf_counter()  # the command-line entry point, as `make grades`
    subprocess.run([sys.executable, "-m", "grader", "grades", "--root", str(root)], check=True)
    timings["grades (CLI)"] = time.perf_counter() - start
    print("timings: " + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in timings.items()))

    db_url = f"sqlite:///{root / 'grading' / 'gradebook.db'}"
    scores, manual, pending = {}, {}, {}
    with Gradebook(db_url, "optim-dl") as gradebook:
        for assignment in assignments:
            grade_cells = gradebook.find_notebook(assignment, assignment).grade_cells
            cells = [c.name for c in grade_cells]
            manual[assignment] = {c.name for c in grade_cells if c.cell_type == "markdown"}  # answers graded by hand
            for student in STUDENTS:
                grades = {cell: gradebook.find_grade(cell, assignment, assignment, student) for cell in cells}
                scores[student, assignment] = {cell: (g.score, g.max_score) for cell, g in grades.items()}
                pending[student, assignment] = {cell for cell in manual[assignment] if grades[cell].needs_manual_grade}
    for key, cells in sorted(scores.items()):
        print(key, {cell: score for cell, (score, _) in cells.items()})
    return {"root": root, "solutions": solutions, "mistakes": mistakes, "scores": scores,
            "manual": manual, "pending": pending, "submitted_before": before}


def test_alice_gets_full_marks(course, assignment):
    cells = course["scores"]["alice", assignment]
    assert cells, f"{assignment} has no graded cells in the gradebook"
    manual = course["manual"][assignment]
    lost = {cell: score for cell, score in cells.items() if score[0] != score[1] and cell not in manual}
    assert not lost, f"the solution of {assignment} loses points: {lost} (score, max)"
    assert course["pending"]["alice", assignment] == manual, "written answers wait for a grader"


def test_bob_gets_zero(course, assignment):
    cells = course["scores"]["bob", assignment]
    scored = {cell: score for cell, score in cells.items() if score[0] != 0}
    assert not scored, f"the untouched release of {assignment} scores: {scored} (score, max)"
    assert not course["pending"]["bob", assignment], "an untouched written answer scores 0 without a grader"


def _without_magics(source: str) -> str:
    return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))


def test_bobs_demos_print_a_hint(course, assignment):
    """Every lecture has demos guarded by ``exercise_demo``; with the exercises as
    released, each prints the hint naming every exercise it waits for."""
    graded = nbformat.read(course["root"] / "grading" / "autograded" / "bob" / assignment / f"{assignment}.ipynb",
                           as_version=4)
    demos = [(cell, node) for cell in graded.cells if cell.cell_type == "code"
             for node in ast.walk(ast.parse(_without_magics(cell.source)))
             if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "exercise_demo"]
    assert demos, "no demo cell guarded by exercise_demo"
    for cell, node in demos:
        names = [arg.value for arg in node.args]
        text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        assert names and "Implement" in text and all(f"`{name}`" in text for name in names), (
            f"demo cell {_nbgrader(cell).get('grade_id', cell.get('id'))} printed {text!r}, no hint about {names}")


def test_carol_loses_points_only_on_her_mistake(course, assignment):
    mistake, mutant = course["mistakes"][assignment]
    cells = course["scores"]["carol", assignment]
    own = {cell: score for cell, score in cells.items() if cell.startswith(f"test_{mistake}")}
    others = {cell: score for cell, score in cells.items() if cell not in own}
    assert own, f"no graded cell test_{mistake}*"
    assert sum(s for s, _ in own.values()) < sum(m for _, m in own.values()), (
        f"the mistake {mutant.name} in {mistake} is not caught: {own} (score, max)"
    )
    lost = {cell: score for cell, score in others.items()
            if score[0] != score[1] and cell not in course["manual"][assignment]}
    assert not lost, f"correct exercises lose points: {lost} (score, max)"


def test_feedback_hides_the_hidden_tests(course, assignment):
    solution = course["solutions"][assignment]
    hidden = [line for c in solution.cells for region in HIDDEN.findall(c.source) for line in _code_lines(region)]
    visible = [line for c in solution.cells if _nbgrader(c).get("grade") and c.cell_type == "code"
               for line in _code_lines(HIDDEN.sub("", c.source))]
    assert hidden and visible
    for student in STUDENTS:
        page = course["root"] / "grading" / "feedback" / student / assignment / f"{assignment}.html"
        assert page.is_file(), f"no feedback {page.relative_to(course['root'])}"
        text = _Text.of(page.read_text())
        assert all(line in text for line in visible), f"{student}: visible tests missing from feedback (check the text extraction)"
        shown = [line for line in hidden if line in text]
        assert not shown, f"feedback for {student} on {assignment} shows hidden tests: {shown}"


def _cell_outputs_html(page: str, cell_id: str) -> str:
    """The HTML of the outputs of the code cell ``cell_id`` in a feedback page."""
    start = page.index(f'id="cell-id={cell_id}"')
    end = page.find('<div class="cell border-box-sizing', start)
    cell = page[start:end if end != -1 else len(page)]
    return cell[cell.index('<div class="output_wrapper">'):] if '<div class="output_wrapper">' in cell else ""


def _planted(mutant: Path) -> str:
    """The mistake id of a mutant (its '# mistake:' line)."""
    return re.search(r"^# mistake: (\S+)$", mutant.read_text(), re.M).group(1)


def test_feedback_names_carols_mistake_by_its_id(course, assignment):
    """Next to the check's message: the mistake's id, in the visible and the hidden test."""
    _, mutant = course["mistakes"][assignment]
    text = _Text.of((course["root"] / "grading" / "feedback" / "carol" / assignment / f"{assignment}.html").read_text())
    assert text.count(f"Mistake id: {_planted(mutant)}") >= 2, f"{assignment}: carol's feedback lacks the id"


@pytest.fixture(scope="module")
def class_report(course):
    """`make report` on the graded course: report.csv's rows by (assignment, section, exercise, item)."""
    cli.report(course["root"])
    with open(course["root"] / report.REPORTS / "report.csv", newline="", encoding="utf-8") as file:
        return {(r["assignment"], r["section"], r["exercise"], r["item"]): (r["value"], r["detail"])
                for r in csv.DictReader(file)}


def test_the_report_counts_carols_mistake_and_bobs_blank_notebook(class_report, course, assignment):
    exercise, mutant = course["mistakes"][assignment]
    rows = {key[1:]: value for key, value in class_report.items() if key[0] == assignment}
    assert {key[2]: value for key, value in rows.items() if key[0] == "mistake"} == {_planted(mutant): ("1", "carol")}
    assert rows["class", "", "submitted_nothing_done"] == ("1", "bob")
    exercises = {key[1] for key in rows if key[0] == "exercise"}
    assert exercise in exercises
    for other in exercises:
        passing = "1" if other == exercise else "2"  # alice, and carol where she has no mistake
        assert rows["exercise", other, "pass_hidden_too"][0] == passing, (assignment, other)
        assert rows["exercise", other, "unfinished"] == ("1", "bob"), (assignment, other)


def test_feedback_shows_widgets_as_static_pictures(course, assignment):
    """Widget cells fall back to their PNG in feedback, which works offline: each widget
    cell's own outputs hold a picture."""
    page = course["root"] / "grading" / "feedback" / "alice" / assignment / f"{assignment}.html"
    text = page.read_text()
    widget_cells = [c.id for c in course["solutions"][assignment].cells if c.cell_type == "code" and "widgets." in c.source]
    assert widget_cells
    # A live widget view would be an empty box offline; its PNG fallback is a picture.
    assert "widget-view+json" not in text
    for cell_id in widget_cells:
        outputs = _cell_outputs_html(text, cell_id)
        assert re.search(r'<img [^>]*src="data:image/png;base64,', outputs), f"widget cell {cell_id}: no picture"


def test_feedback_reads_offline_and_shows_no_instructor_paths(course, assignment, repo):
    """Math is MathML (no MathJax from a CDN), nothing is loaded from elsewhere, and
    neither the course's folders nor the sandbox's own paths appear."""
    solution = course["solutions"][assignment]
    has_math = any("$" in c.source for c in solution.cells if c.cell_type == "markdown")
    for student in STUDENTS:
        text = (course["root"] / "grading" / "feedback" / student / assignment / f"{assignment}.html").read_text()
        assert ("<math" in text) == has_math, student
        assert not re.search(r"<script[^>]+src=", text), f"{student}: feedback loads a script"
        assert not re.search(r"<link[^>]+href=[\"']https?:", text), f"{student}: feedback loads a stylesheet"
        for path in (str(course["root"]), str(repo), "/tmp/course-"):
            assert path not in text, f"{student}: feedback shows {path}"


@pytest.fixture(scope="module")
def formgrader(course, tmp_path_factory):
    """nbgrader's Formgrader on the graded course, as an instructor starts it (JupyterLab
    in the course root, its own Jupyter settings); yields a function that GETs a path and
    returns (status, text), with ``.url`` the server's address (token ``t``)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    jupyter = tmp_path_factory.mktemp("formgrader-jupyter")
    (jupyter / "config" / "labconfig").mkdir(parents=True)
    (jupyter / "config" / "labconfig" / "default_setting_overrides.json").write_text(json.dumps(
        {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}}))
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(jupyter / "config"), "JUPYTER_DATA_DIR": str(jupyter / "data"),
           "JUPYTER_RUNTIME_DIR": str(jupyter / "runtime"),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("JUPYTER_CONFIG_PATH", None)  # the students' settings hide nbgrader's instructor tools
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--ServerApp.ip=127.0.0.1", f"--port={port}",
         "--ServerApp.port_retries=0", "--IdentityProvider.token=t", "--ServerApp.open_browser=False",
         "--allow-root", f"--ServerApp.root_dir={course['root']}",
         f"--LabApp.user_settings_dir={jupyter / 'settings'}", f"--LabApp.workspaces_dir={jupyter / 'workspaces'}"],
        cwd=course["root"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def get(path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/{path}?token=t", timeout=30) as reply:
                return reply.status, reply.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, ""

    get.url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                get("api/status")
                break
            except OSError:
                time.sleep(0.2)
        yield get
    finally:
        server.terminate()
        server.wait(10)


def test_the_formgrader_shows_the_batch(formgrader, course):
    """Assignments, scores, a submission's graded view, and Preview of the release."""
    status, text = formgrader("formgrader/api/assignment/03-sgd")
    assert status == 200 and json.loads(text)["num_submissions"] == len(STUDENTS)
    status, text = formgrader("formgrader/api/submitted_notebooks/03-sgd/03-sgd")
    submissions = {s["student"]: s for s in json.loads(text)}
    assert {s: submissions[s]["score"] for s in STUDENTS} == {
        s: sum(score for score, _ in course["scores"][s, "03-sgd"].values()) for s in STUDENTS}
    status, page = formgrader(f"formgrader/submissions/{submissions['carol']['id']}/")
    assert status == 200 and "check_sgd_step" in page and "CheckFailed" in page
    assert "Mistake id: sgd_step/sign-error" in _Text.of(page), "the failing cell's diagnosis has no id"
    assert formgrader("formgrader/manage_assignments")[0] == 200
    assert formgrader("tree/notebooks/03-sgd")[0] == 200  # the Preview button's page


def test_grades_csv_has_every_student_and_assignment(course, assignments):
    rows = list(csv.DictReader((course["root"] / "grading" / "grades.csv").open()))
    table = {(row["student_id"], row["assignment"]): row for row in rows}
    assert sorted(table) == sorted((s, a) for s in STUDENTS for a in assignments)
    for (student, assignment), row in table.items():
        cells = course["scores"][student, assignment]
        assert float(row["score"]) == pytest.approx(sum(s for s, _ in cells.values()))
        assert float(row["max_score"]) == pytest.approx(sum(m for _, m in cells.values()))


def test_grading_leaves_submissions_untouched(course):
    assert _tree_digest(course["root"] / "grading" / "submitted") == course["submitted_before"]


def _empty_course(repo: Path, root: Path) -> Path:
    shutil.copy(repo / "nbgrader_config.py", root)
    (root / "grading").mkdir()
    return root


def test_autograde_without_submissions_says_where_they_go(repo, tmp_path):
    with pytest.raises(cli.PipelineError, match=r"no submissions found in .*grading/submitted/<student>/<assignment>/"):
        cli.autograde(_empty_course(repo, tmp_path))


def test_autograde_of_an_unreleased_assignment_asks_for_a_release(repo, course, tmp_path):
    root = _empty_course(repo, tmp_path)
    shutil.copy(course["root"] / "grading" / "gradebook.db", root / "grading")
    (root / "grading" / "submitted" / "dave" / "99-unreleased").mkdir(parents=True)
    with pytest.raises(cli.PipelineError, match=r"99-unreleased .*not in the gradebook.*make release"):
        cli.autograde(root, jobs=2)


def test_feedback_before_autograde_asks_for_autograde(repo, tmp_path):
    with pytest.raises(cli.PipelineError, match="make autograde"):
        cli.feedback(_empty_course(repo, tmp_path))


MANUAL = ("06-second-order", "derivation_rho")  # lecture 06's written answer, graded by hand


def test_an_instructor_scores_a_written_answer_in_the_formgrader(formgrader, course, browser_context):
    """In Chromium, the instructor's JupyterLab: Nbgrader -> Formgrader -> Gradebook ->
    lecture 06 -> its notebook -> alice's submission (her derivation of rho waits for a
    grader); a score typed into the answer's box is saved, and `make grades` (``python -m
    grader grades``) counts it in grading/grades.csv. The gradebook is put back after."""
    from playwright.sync_api import expect

    assignment, cell = MANUAL
    assert cell in course["pending"]["alice", assignment], "autograde left the written answer to a grader"
    status, text = formgrader(f"formgrader/api/submitted_notebooks/{assignment}/{assignment}")
    submission = {s["student"]: s for s in json.loads(text)}["alice"]
    automatic = sum(score for score, _ in course["scores"]["alice", assignment].values() if score)
    root = course["root"]
    page = browser_context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{formgrader.url}/lab?token=t&reset")
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Nbgrader$")).click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Formgrader$")).click()
        grader = page.frame_locator(".jp-MainAreaWidget iframe")
        grader.get_by_role("link", name="Manual Grading", exact=True).click()
        grader.locator(f'a[href$="/formgrader/gradebook/{assignment}"]').click()  # the assignment
        grader.locator(f'a[href$="/formgrader/gradebook/{assignment}/{assignment}"]').click()  # its notebook
        grader.locator(f'a[href$="/formgrader/submissions/{submission["id"]}"]').first.click()
        score = grader.locator(f"input.score#{cell}")
        expect(score).to_have_class(re.compile("needs_manual_grade"))
        with page.expect_response(lambda r: "/formgrader/api/grade/" in r.url and r.request.method == "PUT") as saved:
            score.fill("1.5")
            score.press("Tab")  # the Formgrader saves a score when it changes
        assert saved.value.ok
        expect(score).not_to_have_class(re.compile("needs_manual_grade"))

        subprocess.run([sys.executable, "-m", "grader", "grades", "--root", str(root)], check=True,
                       capture_output=True)
        rows = {(r["student_id"], r["assignment"]): r for r in csv.DictReader((root / "grading" / "grades.csv").open())}
        assert float(rows["alice", assignment]["score"]) == pytest.approx(automatic + 1.5)
        with Gradebook(f"sqlite:///{root / 'grading' / 'gradebook.db'}", "optim-dl") as gradebook:
            grade = gradebook.find_grade(cell, assignment, assignment, "alice")
            assert (grade.manual_score, grade.needs_manual_grade) == (1.5, False)
    except Exception:
        (course["root"].parent / "formgrader-failed.png").write_bytes(page.screenshot())
        raise
    finally:
        page.close()
        with Gradebook(f"sqlite:///{root / 'grading' / 'gradebook.db'}", "optim-dl") as gradebook:
            grade = gradebook.find_grade(cell, assignment, assignment, "alice")
            grade.manual_score, grade.needs_manual_grade = None, grade.auto_score is None
            gradebook.db.commit()
        subprocess.run([sys.executable, "-m", "grader", "grades", "--root", str(root)], check=True,
                       capture_output=True)
