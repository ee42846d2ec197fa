"""The nbgrader sources in solutions/ are well formed, and notebooks/ is their release.

notebooks/<a>/<a>.ipynb must be exactly what `make release` generates from
solutions/<a>/<a>.ipynb, every notebook is stored without outputs, and the nbgrader
metadata follows the course conventions (see nbgrader_config.py and the README).
"""

from __future__ import annotations

import ast
import fnmatch
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from grader import cli
from grader.release import is_model_answer

CELL_KEYS = {"schema_version", "grade", "solution", "locked", "grade_id"}
GRADE_ID = re.compile(r"^[a-zA-Z0-9_-]+$")
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
# Files nbgrader never copies from an assignment folder (CourseDirectory.ignore).
NBGRADER_IGNORED = (".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback")


def _files(folder: Path) -> dict[str, bytes]:
    """Relative path -> content of every file below ``folder`` nbgrader would copy."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
        and not any(fnmatch.fnmatch(part, pattern) for part in path.relative_to(folder).parts for pattern in NBGRADER_IGNORED)
    }


def _notebook(repo: Path, kind: str, assignment: str) -> nbformat.NotebookNode:
    path = repo / kind / assignment / f"{assignment}.ipynb"
    assert path.is_file(), f"{path.relative_to(repo)} is missing"
    return nbformat.read(path, as_version=4)


def _code(cell) -> str:
    """A cell's source without IPython magics (lines starting with % or !)."""
    return "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))


@pytest.fixture(scope="module")
def fresh_release(repo, tmp_path_factory, assignments, start_page) -> Path:
    """A course copy (config + solutions) released by grader.cli, as `make release`."""
    root = tmp_path_factory.mktemp("course")
    shutil.copy(repo / "nbgrader_config.py", root)
    shutil.copytree(repo / "solutions", root / "solutions", ignore=shutil.ignore_patterns(*NBGRADER_IGNORED))
    cli.release(root, [a for a in [start_page, *assignments] if (root / "solutions" / a).is_dir()])
    return root / "notebooks"


def test_required_assignments_exist(repo, assignments, start_page):
    for assignment in [start_page, *assignments]:
        path = repo / "solutions" / assignment / f"{assignment}.ipynb"
        assert path.is_file(), f"solution notebook {path.relative_to(repo)} is missing"


def test_source_folder_holds_only_the_notebook(repo, folder):
    source = repo / "solutions" / folder
    assert set(_files(source)) == {f"{folder}.ipynb"}, (
        f"{source.relative_to(repo)} must hold only {folder}.ipynb: nbgrader copies "
        "every other file to the students"
    )


def test_notebooks_folder_is_the_release_of_solutions(repo, folder, fresh_release):
    assignment = folder
    fresh = _files(fresh_release / assignment)
    stored = _files(repo / "notebooks" / assignment)
    hint = (
        "notebooks/ must be generated from solutions/: instructors run `make release` and commit "
        "notebooks/ (students: this test is for the course's maintainers; keep your work in a copy)"
    )
    assert sorted(stored) == sorted(fresh), f"notebooks/{assignment}/ has files {sorted(stored)}, the release {sorted(fresh)}; {hint}"
    for name, content in fresh.items():
        assert stored[name] == content, f"notebooks/{assignment}/{name} differs from its release; {hint}"


@pytest.mark.parametrize("kind", ["solutions", "notebooks"])
def test_notebooks_are_stored_without_outputs(repo, folder, kind):
    assignment = folder
    nb = _notebook(repo, kind, assignment)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{kind}/{assignment}: cell {index} is stored with outputs"
            assert cell.execution_count is None, f"{kind}/{assignment}: cell {index} has an execution count"
    assert "widgets" not in nb.metadata, f"{kind}/{assignment}: widget state is stored in the metadata"
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3", f"{kind}/{assignment}: kernelspec must be python3"


def test_released_notebooks_hold_no_solutions_or_hidden_tests(repo, assignment):
    source = _notebook(repo, "solutions", assignment)
    released = "\n".join(cell.source for cell in _notebook(repo, "notebooks", assignment).cells)
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in released
    hidden = [
        line.strip()
        for cell in source.cells
        for region in HIDDEN.findall(cell.source)
        for line in region.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert hidden, f"solutions/{assignment} has no hidden tests"
    for line in hidden:
        assert line not in released, f"hidden test {line!r} leaked into notebooks/{assignment}"


class TestNbgraderMetadata:
    """Course conventions for the cells of solutions/<a>/<a>.ipynb."""

    @pytest.fixture
    def cells(self, repo, assignment):
        """The cells that reach the release (model answers are dropped: grader/release.py)."""
        nb = _notebook(repo, "solutions", assignment)
        return [(cell, cell.metadata.get("nbgrader")) for cell in nb.cells if not is_model_answer(cell)]

    def test_model_answers_are_plain_markdown(self, repo, assignment):
        """A model answer is the instructor's: no nbgrader metadata, nothing to grade or lock."""
        nb = _notebook(repo, "solutions", assignment)
        for cell in filter(is_model_answer, nb.cells):
            assert cell.cell_type == "markdown" and "nbgrader" not in cell.metadata, cell.source[:80]

    def test_every_cell_has_schema_v3_metadata(self, cells):
        ids = []
        for index, (cell, meta) in enumerate(cells):
            assert meta is not None, f"cell {index} has no nbgrader metadata"
            expected = CELL_KEYS | ({"points"} if meta.get("grade") else set())
            assert set(meta) == expected, f"cell {index} ({meta.get('grade_id')}): keys {sorted(meta)}"
            assert meta["schema_version"] == 3
            assert GRADE_ID.match(meta["grade_id"]), f"cell {index}: bad grade_id {meta['grade_id']!r}"
            if not (meta["solution"] or meta["grade"]):
                assert meta["locked"], f"cell {index} ({meta['grade_id']}) must be locked"
            ids.append(meta["grade_id"])
        assert len(ids) == len(set(ids)), f"duplicate grade_ids: {sorted(i for i in set(ids) if ids.count(i) > 1)}"

    def test_first_code_cell_is_setup(self, cells):
        code = [meta for cell, meta in cells if cell.cell_type == "code"]
        assert code and code[0]["grade_id"] == "setup", "the first code cell must have grade_id 'setup'"

    def test_solution_cells_define_their_function(self, cells):
        exercises = [(cell, meta) for cell, meta in cells if meta["solution"] and cell.cell_type == "code"]
        assert exercises, "no exercise (solution cell)"
        for cell, meta in exercises:
            assert cell.cell_type == "code" and not meta["grade"]
            tree = ast.parse(cell.source)
            defined = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
            assert meta["grade_id"] in defined, f"solution cell {meta['grade_id']!r} defines {defined}"
            assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
            for node in ast.walk(tree):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                    assert not any(m.startswith("course") for m in modules), (
                        f"solution {meta['grade_id']!r} imports {modules}: it must not use the reference code"
                    )

    def test_graded_cells_belong_to_the_exercise_above(self, cells):
        exercise = None
        tested = {}
        for cell, meta in cells:
            if meta["solution"] and cell.cell_type == "markdown":
                assert meta["grade"] and meta["points"] > 0, (
                    f"markdown answer {meta['grade_id']!r} must be graded by hand (grade, points)")
                continue
            if meta["solution"]:
                exercise = meta["grade_id"]
                tested[exercise] = {"visible": False, "hidden": False}
            elif meta["grade"]:
                assert cell.cell_type == "code" and meta["locked"]
                assert exercise is not None, f"graded cell {meta['grade_id']!r} comes before any exercise"
                assert meta["grade_id"].startswith(f"test_{exercise}"), (
                    f"graded cell {meta['grade_id']!r} must be named test_{exercise}..."
                )
                assert meta["points"] > 0, f"{meta['grade_id']}: points must be > 0"
                visible = HIDDEN.sub("", cell.source)
                tested[exercise]["visible"] |= bool(_code_lines(visible))
                tested[exercise]["hidden"] |= bool(HIDDEN.search(cell.source))
        for name, kinds in tested.items():
            assert kinds == {"visible": True, "hidden": True}, f"exercise {name!r} needs visible and hidden tests: {kinds}"

    def test_no_graded_cell_ends_with_a_number(self, cells):
        # nbgrader takes a number as a test cell's last expression for its score.
        for cell, meta in cells:
            if meta["grade"] and cell.cell_type == "code":
                body = ast.parse(_code(cell)).body
                last = body[-1] if body else None
                assert not (
                    isinstance(last, ast.Expr)
                    and isinstance(last.value, ast.Constant)
                    and isinstance(last.value.value, (int, float, complex))
                ), f"graded cell {meta['grade_id']!r} ends with a bare number, which nbgrader takes as its score"


def _code_lines(source: str) -> list[str]:
    return [line for line in source.splitlines() if line.strip() and not line.strip().startswith("#")]


def test_release_does_not_overwrite_uncommitted_work(repo, tmp_path):
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy(repo / "nbgrader_config.py", root)
    shutil.copytree(repo / "solutions" / "03-sgd", root / "solutions" / "03-sgd")
    cli.release(root, ["03-sgd"])
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "solutions", "notebooks"], check=True)
    subprocess.run([*git, "commit", "-qm", "release"], check=True)
    work = root / "notebooks" / "03-sgd" / "03-sgd.ipynb"
    work.write_text(work.read_text().replace("# YOUR CODE HERE", "# a student's answer", 1))
    with pytest.raises(cli.PipelineError, match="uncommitted changes.*notebooks/03-sgd/03-sgd.ipynb"):
        cli.release(root, ["03-sgd"])
    assert "a student's answer" in work.read_text()
    cli.release(root, ["03-sgd"], overwrite=True)
    assert "a student's answer" not in work.read_text()


def test_model_answers_reach_neither_the_release_nor_the_gradebook(repo, tmp_path):
    """Markdown cells tagged model-answer (instructors' answers to the prompts) are
    dropped by `make release` before nbgrader records cells, so that autograded copies
    and feedback never get them back either."""
    from nbgrader.api import Gradebook

    root = tmp_path / "course"
    root.mkdir()
    shutil.copy(repo / "nbgrader_config.py", root)
    source = root / "solutions" / "03-sgd" / "03-sgd.ipynb"
    shutil.copytree(repo / "solutions" / "03-sgd", source.parent)
    nb = nbformat.read(source, as_version=4)
    answer = nbformat.v4.new_markdown_cell("**Model answer.** The secret is 42.",
                                           metadata={"tags": ["model-answer"]})
    locked = nbformat.v4.new_markdown_cell("**Model answer.** Locked, still secret: 43.", metadata={
        "tags": ["model-answer"], "nbgrader": {"schema_version": 3, "grade": False, "solution": False,
                                               "locked": True, "grade_id": "model_answer_locked"}})
    nb.cells[3:3] = [answer, locked]
    nbformat.write(nb, source)
    cli.release(root, ["03-sgd"])
    released = (root / "notebooks" / "03-sgd" / "03-sgd.ipynb").read_text()
    assert "secret" not in released and "model-answer" not in released
    kept = [cell for cell in nb.cells if "model-answer" not in cell.metadata.get("tags", [])]
    assert len(kept) <= len(nb.cells) - 2  # the two above, and the lecture's own model answers
    assert len(nbformat.reads(released, as_version=4).cells) == len(kept)
    with Gradebook(f"sqlite:///{root / 'grading' / 'gradebook.db'}", "optim-dl") as gradebook:
        notebook = gradebook.find_notebook("03-sgd", "03-sgd")
        assert all("secret" not in cell.source for cell in notebook.source_cells)
        assert "model_answer_locked" not in {cell.name for cell in notebook.source_cells}


def test_a_model_answer_must_be_markdown(repo, tmp_path):
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy(repo / "nbgrader_config.py", root)
    source = root / "solutions" / "03-sgd" / "03-sgd.ipynb"
    shutil.copytree(repo / "solutions" / "03-sgd", source.parent)
    nb = nbformat.read(source, as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell("answer = 42", metadata={"tags": ["model-answer"]}))
    nbformat.write(nb, source)
    with pytest.raises(cli.PipelineError):
        cli.release(root, ["03-sgd"])
