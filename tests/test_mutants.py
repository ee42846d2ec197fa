"""The notebooks' graded tests catch real mistakes and pass every right answer.

For every exercise of the solution notebooks, an implementation replaces the
exercise cell and runs with the notebook's own "setup" cell and graded test
cells (grade_id starting with ``test_<function>``), in-process: each wrong
implementation in tests/mutants/<function>/ must fail at least one test cell,
and the visible one (grade_id ``test_<function>``) with a message that names
its mistake: the phrase of the mutant's ``# diagnosis: <phrase>`` line (``none``
where the checks have no diagnosis of it yet), and with the stable identifier of its
``# mistake: <function>/<slug>`` line (what the autograder records and the instructor's
report counts; ``none`` likewise); each right one in
tests/variants/<function>/ (an equivalent form a student may write), and the
unmodified solution cell, must pass all of them.
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
from pathlib import Path

import nbformat
import pytest

from course.checks.failure import MISTAKE_LABEL

REPO = Path(__file__).resolve().parents[1]
MUTANTS = Path(__file__).parent / "mutants"
VARIANTS = Path(__file__).parent / "variants"

#: The graded functions of each required solution notebook.
EXERCISES = {
    "01-learning-vs-optimization": ("early_stopping_step", "minibatch_gradient", "batch_size_for_error"),
    "02-challenges": ("step_increases_cost", "largest_stable_lr", "hessian_eigs", "clip_by_norm"),
    "03-sgd": ("sgd_step", "sgd_noise_floor", "linear_decay", "minibatches"),
    "04-momentum": ("terminal_velocity", "momentum_rate", "largest_stable_momentum_lr", "optimal_momentum",
                    "momentum_step", "nesterov_step"),
    "05-adaptive": ("adagrad_step", "rmsprop_step", "uncorrected_step_length", "adam_step"),
    "06-second-order": ("exact_step", "closed_form", "optimal_constant_step", "cg_iterations", "conjugate_gradient",
                        "nonlinear_cg", "bfgs_inverse_update", "bfgs"),
    "07-batch-norm": ("first_order_decrease", "batchnorm_forward", "batchnorm_backward", "batchnorm_inference"),
    "08-init-and-averaging": ("glorot_uniform", "coordinate_descent_step", "ema_update"),
    "09-strategies": ("convexity_sigma", "continuation", "residual_backward"),
}


def notebook_path(assignment: str) -> Path:
    return REPO / "solutions" / assignment / f"{assignment}.ipynb"


@functools.cache
def notebook(assignment: str) -> nbformat.NotebookNode:
    path = notebook_path(assignment)
    if not path.is_file():
        pytest.fail(f"solution notebook {path.relative_to(REPO)} is missing")
    return nbformat.read(path, as_version=4)


def grade_id(cell: nbformat.NotebookNode) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


def code_cell(nb: nbformat.NotebookNode, wanted: str) -> str:
    cells = [c for c in nb.cells if c.cell_type == "code" and grade_id(c) == wanted]
    assert len(cells) == 1, f"expected one code cell with grade_id {wanted!r}, found {len(cells)}"
    return cells[0].source


def graded_cells(nb: nbformat.NotebookNode, function: str) -> list[tuple[str, str]]:
    """(grade_id, source) of the graded cells testing ``function`` (not those of an exercise
    whose name extends it: test_bfgs_inverse_update tests bfgs_inverse_update, not bfgs)."""
    longer = [f for f in exercise_cells(nb) if f != function and f.startswith(function)]
    cells = [(grade_id(c), c.source) for c in nb.cells
             if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
             and grade_id(c).startswith(f"test_{function}")
             and not any(grade_id(c).startswith(f"test_{f}") for f in longer)]
    assert cells, f"no graded test cell with a grade_id starting with test_{function}"
    return cells


def exercise_cells(nb: nbformat.NotebookNode) -> list[str]:
    """grade_ids of the code solution cells (the exercises)."""
    return [grade_id(c) for c in nb.cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]


def python_source(source: str) -> str:
    """A cell's source without IPython magics and shell escapes."""
    return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))


def run_cell(source: str, ns: dict, name: str) -> None:
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(python_source(source), name, "exec"), ns)


def failing_test_cells(assignment: str, function: str, exercise_source: str) -> dict[str, str]:
    """Run setup, the given exercise source and each test cell; the failures by grade_id
    (run once per source and process: the checks are seeded)."""
    return dict(_failing_test_cells(assignment, function, exercise_source))


@functools.cache
def _failing_test_cells(assignment: str, function: str, exercise_source: str) -> dict[str, str]:
    nb = notebook(assignment)
    ns: dict = {"__name__": "__main__"}
    run_cell(code_cell(nb, "setup"), ns, f"{assignment}:setup")
    run_cell(exercise_source, ns, f"{assignment}:{function}")
    failures = {}
    for cell_id, source in graded_cells(nb, function):
        try:
            run_cell(source, ns, f"{assignment}:{cell_id}")
        except Exception as exc:  # a test cell that fails
            failures[cell_id] = f"{type(exc).__name__}: {exc}"
    return failures


def mutants(function: str) -> list[Path]:
    return sorted((MUTANTS / function).glob("*.py"))


#: A mutant's marker line: ``# diagnosis: <phrase>``, the phrase being a case-sensitive
#: part of the message of the visible test cell that names the mistake, or ``none``.
DIAGNOSIS = re.compile(r"^# diagnosis: (.*)$", re.M)
#: The marker is among a mutant's first lines (after its one-line docstring).
MARKER_LINES = 5


def diagnosis(mutant: Path) -> str | None:
    """The phrase the visible test cell's message must contain for ``mutant``; None for ``none``."""
    found = DIAGNOSIS.findall(mutant.read_text())
    assert len(found) == 1, f"{mutant.relative_to(REPO)} needs one '# diagnosis: <phrase>' line, has {len(found)}"
    phrase = found[0].strip()
    return None if phrase == "none" else phrase


#: A mutant's identifier line: ``# mistake: <function>/<slug>``, the identifier the visible
#: test cell's CheckFailed carries (its message's last line), or ``none``.
MISTAKE = re.compile(r"^# mistake: (.*)$", re.M)


def declared_mistake(mutant: Path) -> str | None:
    """The identifier the visible test cell must name for ``mutant``; None for ``none``."""
    found = MISTAKE.findall(mutant.read_text())
    assert len(found) == 1, \
        f"{mutant.relative_to(REPO)} needs one '# mistake: <function>/<slug>' line, has {len(found)}"
    mistake = found[0].strip()
    return None if mistake == "none" else mistake


def named_mistake(failure: str) -> str | None:
    """The identifier a failure message ends with (``Mistake id: …``), or None."""
    last = failure.splitlines()[-1] if failure else ""
    return last[len(MISTAKE_LABEL):] if last.startswith(MISTAKE_LABEL) else None


def variants(function: str) -> list[Path]:
    return sorted((VARIANTS / function).glob("*.py"))


def exercises(assignment: str) -> list[str]:
    """The required exercises of an assignment and any other its notebook has now."""
    found = exercise_cells(nbformat.read(notebook_path(assignment), as_version=4)) \
        if notebook_path(assignment).is_file() else []
    return list(dict.fromkeys([*EXERCISES[assignment], *found]))


CASES = [pytest.param(a, f, p, id=f"{a}/{f}/{p.stem}")
         for a in EXERCISES for f in exercises(a) for p in mutants(f)]
RIGHT = [pytest.param(a, f, p, id=f"{a}/{f}/{p.stem}")
         for a in EXERCISES for f in exercises(a) for p in variants(f)]
SOLUTIONS = [pytest.param(a, f, id=f"{a}/{f}") for a in EXERCISES for f in exercises(a)]


@pytest.mark.parametrize("lecture, function", SOLUTIONS)
def test_solution_passes_its_test_cells(lecture, function):
    solution = code_cell(notebook(lecture), function)
    assert failing_test_cells(lecture, function, solution) == {}


@pytest.mark.parametrize("lecture, function", SOLUTIONS)
def test_unfinished_exercise_raises_not_implemented_in_every_test_cell(lecture, function):
    # What nbgrader generate_assignment leaves of the solution.
    released = re.sub(r"### BEGIN SOLUTION.*?### END SOLUTION", "# YOUR CODE HERE\n    raise NotImplementedError()",
                      code_cell(notebook(lecture), function), flags=re.S)
    failures = failing_test_cells(lecture, function, released)
    assert failures and all(f.startswith("NotImplementedError") for f in failures.values()), failures
    assert set(failures) == {cell_id for cell_id, _ in graded_cells(notebook(lecture), function)}


@pytest.mark.parametrize("lecture, function, mutant", CASES)
def test_mutant_fails_a_test_cell(lecture, function, mutant):
    """Some graded cell fails the mutant, and the visible one names its mistake."""
    failures = failing_test_cells(lecture, function, mutant.read_text())
    what = f"{mutant.relative_to(REPO)} ({mutant.read_text().splitlines()[0]})"
    assert failures, f"no graded test cell of {lecture} catches {what}"
    phrase = diagnosis(mutant)
    if phrase is None:
        assert declared_mistake(mutant) is None, f"{what} has no diagnosis, so no mistake id either"
        return
    visible = f"test_{function}"
    assert visible in dict(graded_cells(notebook(lecture), function)), \
        f"{lecture} has no visible graded test cell {visible}"
    assert visible in failures, f"the visible test cell {visible} of {lecture} passes {what}"
    assert phrase in failures[visible], (
        f"the visible test cell {visible} of {lecture} fails {what} without naming the mistake: "
        f"its message lacks {phrase!r}:\n{failures[visible]}"
    )
    assert named_mistake(failures[visible]) == declared_mistake(mutant), (
        f"the visible test cell {visible} of {lecture} names the mistake id {named_mistake(failures[visible])!r} "
        f"for {what}, whose '# mistake:' line says {declared_mistake(mutant)!r}"
    )


@pytest.mark.parametrize("lecture, function", SOLUTIONS)
def test_every_graded_cell_fails_some_mutant(lecture, function):
    """Each graded test cell of an exercise (the visible one, the hidden ones and any other,
    such as test_exact_step_orthogonal) fails at least one of its mutants: none of them
    passes every wrong implementation."""
    caught = {cell_id for mutant in mutants(function)
              for cell_id in failing_test_cells(lecture, function, mutant.read_text())}
    cells = {cell_id for cell_id, _ in graded_cells(notebook(lecture), function)}
    assert len(cells) >= 2, f"{lecture}: {function} needs a visible and a hidden graded test cell"
    assert cells <= caught, f"graded test cells of {lecture} that fail no mutant of {function}: {sorted(cells - caught)}"


def test_every_mutant_has_a_diagnosis_marker():
    """One '# diagnosis:' and one '# mistake:' line among each mutant's first lines, with
    a phrase or 'none', and an identifier of the mutant's function or 'none'."""
    def marked(mutant: Path, marker: re.Pattern) -> bool:
        text = mutant.read_text()
        found = marker.findall(text)
        head = "\n".join(text.splitlines()[:MARKER_LINES])
        return len(found) == 1 and bool(found[0].strip()) and bool(marker.search(head))

    files = sorted(MUTANTS.glob("*/*.py"))
    assert files
    unmarked = [str(p.relative_to(REPO)) for p in files if not marked(p, DIAGNOSIS)]
    assert not unmarked, (
        f"each mutant needs one '# diagnosis: <phrase>' line (or '# diagnosis: none') "
        f"among its first {MARKER_LINES} lines: {unmarked}"
    )
    unmarked = [str(p.relative_to(REPO)) for p in files if not marked(p, MISTAKE)]
    assert not unmarked, (
        f"each mutant needs one '# mistake: <function>/<slug>' line (or '# mistake: none') among its "
        f"first {MARKER_LINES} lines, the id its visible test cell names: {unmarked}"
    )
    foreign = [str(p.relative_to(REPO)) for p in files
               if declared_mistake(p) is not None and not declared_mistake(p).startswith(f"{p.parent.name}/")]
    assert not foreign, f"a mutant's mistake id starts with its function's name: {foreign}"


@pytest.mark.parametrize("lecture, function, variant", RIGHT)
def test_variant_passes_every_test_cell(lecture, function, variant):
    assert failing_test_cells(lecture, function, variant.read_text()) == {}, (
        f"a graded test cell of {lecture} fails the right answer {variant.relative_to(REPO)} "
        f"({variant.read_text().splitlines()[0]})"
    )


@pytest.mark.parametrize("lecture", list(EXERCISES))
def test_every_exercise_has_variants(lecture):
    for function in exercise_cells(notebook(lecture)):
        assert len(variants(function)) >= 3, f"tests/variants/{function}/ needs at least three right answers"


@pytest.mark.parametrize("lecture", list(EXERCISES))
def test_every_exercise_has_mutants(lecture):
    found = exercise_cells(notebook(lecture))
    assert set(EXERCISES[lecture]) <= set(found)
    for function in found:
        stems = [p.stem for p in mutants(function)]
        assert "calls_reference" in stems, f"tests/mutants/{function}/calls_reference.py is missing"
        assert len(stems) - 1 >= 4, f"tests/mutants/{function}/ needs at least four wrong implementations"


def test_magics_are_stripped():
    assert python_source("%matplotlib inline\nimport numpy as np\n  !ls") == "import numpy as np"
