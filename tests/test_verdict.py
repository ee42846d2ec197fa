"""Graded test cells judged through the bridge give the verdict they give in the notebook.

While autograding, a test cell's check runs in the grader's process and calls the
student's function in the notebook's process through the bridge
(``grader.verdict.TrustedTest``, ``course.notebook_bridge``). Here the notebook's process is a plain Python worker
(no kernel, no sandbox: those are tested with nbgrader in test_autograde_hostile.py):
for every exercise, the solution, every right variant and every mutant must fail exactly
the test cells it fails in-process, with the same message; patching the checks in the
notebook changes nothing; values that cannot cross fail cleanly; and the notebook can
call nothing of the grader's but what the check handed it. Which test cells are judged
this way (``is_trusted``) is decided from the cell's source: the course's own are, an
ordinary nbgrader test cell is not (tests/test_conformance.py grades those).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from test_mutants import (
    CASES, RIGHT, SOLUTIONS, code_cell, failing_test_cells, graded_cells, notebook, python_source,
)

from course.bridge import MAX_MESSAGE
from grader.verdict import TrustedTest, is_trusted

REPO = Path(__file__).resolve().parents[1]
# The notebook's stand-in: runs cells, then answers the grader, one test cell at a time.
WORKER = r"""
import contextlib, io, json, sys
from course.notebook_bridge import serve
ns = {}
for line in sys.stdin:
    order = json.loads(line)
    if "cells" in order:
        ns = {"__name__": "__main__"}
        with contextlib.redirect_stdout(io.StringIO()):
            for source in order["cells"]:
                try:
                    exec(compile(source, "<cell>", "exec"), ns)
                except Exception as exc:
                    print(f"cell error {type(exc).__name__}: {exc}", file=sys.stderr)
    else:
        try:
            serve(order["serve"], ns)
        except Exception as exc:
            print(f"serve error {type(exc).__name__}: {exc}", file=sys.stderr)
    print("ok", flush=True)
"""


class Notebook:
    """A worker process standing in for the notebook's kernel."""

    def __init__(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="verdict-")
        self.process = subprocess.Popen([sys.executable, "-c", WORKER], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, cwd=REPO)

    def _order(self, order: dict) -> None:
        self.process.stdin.write(json.dumps(order) + "\n")
        self.process.stdin.flush()

    def _done(self) -> None:
        assert self.process.stdout.readline() == "ok\n", "the worker died"

    def load(self, *cells: str) -> None:
        self._order({"cells": [python_source(c) for c in cells]})
        self._done()

    def judge(self, source: str, timeout: float = 60) -> TrustedTest:
        """Run one test cell through the bridge; the finished TrustedTest."""
        test = TrustedTest(self.folder, source, timeout)
        thread = threading.Thread(target=test.run)
        thread.start()
        self._order({"serve": test.path})
        self._done()
        thread.join(timeout)
        assert not thread.is_alive()
        return test

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(10)


@pytest.fixture(scope="module")
def worker():
    notebook_ = Notebook()
    yield notebook_
    notebook_.close()


def message(test: TrustedTest) -> str | None:
    errors = [o for o in test.outputs if o.output_type == "error"]
    return f"{errors[0].ename}: {errors[0].evalue}" if errors else None


def bridged_failures(worker: Notebook, lecture: str, function: str, source: str,
                     visible_only: bool = False) -> dict[str, str]:
    worker.load(code_cell(notebook(lecture), "setup"), source)
    failures = {}
    for cell_id, test_source in graded_cells(notebook(lecture), function):
        if visible_only and cell_id != f"test_{function}":
            continue
        found = message(worker.judge(test_source))
        if found is not None:
            failures[cell_id] = found
    return failures


def _same_verdicts(worker, lecture, function, source, visible_only=False):
    """The same failing cells with the same messages (for mutants and variants, the visible
    cell, which names the mistake: the hidden ones run the same checks on other inputs)."""
    expected = failing_test_cells(lecture, function, source)
    if visible_only:
        expected = {k: v for k, v in expected.items() if k == f"test_{function}"}
    got = bridged_failures(worker, lecture, function, source, visible_only)
    assert set(got) == set(expected)
    for cell_id, text in expected.items():
        if "HIDDEN TESTS" in code_cell(notebook(lecture), cell_id) and "raised" in text:
            continue  # the student's own message is not passed on from hidden tests
        assert got[cell_id] == text, cell_id


@pytest.mark.parametrize("lecture, function", SOLUTIONS)
def test_solutions_pass_through_the_bridge(worker, lecture, function):
    _same_verdicts(worker, lecture, function, code_cell(notebook(lecture), function))


@pytest.mark.parametrize("lecture, function, variant", RIGHT)
def test_variants_pass_through_the_bridge(worker, lecture, function, variant):
    _same_verdicts(worker, lecture, function, variant.read_text(), visible_only=True)


@pytest.mark.parametrize("lecture, function, mutant", CASES)
def test_mutants_fail_through_the_bridge_with_the_same_message(worker, lecture, function, mutant):
    _same_verdicts(worker, lecture, function, mutant.read_text(), visible_only=True)


def test_patching_the_checks_in_the_notebook_changes_no_verdict(worker):
    sign_error = (REPO / "tests" / "mutants" / "sgd_step" / "sign_error.py").read_text()
    worker.load(code_cell(notebook("03-sgd"), "setup"), sign_error + (
        "\nimport course.checks, course.checks.sgd\n"
        "course.checks.check_sgd_step = course.checks.sgd.check_sgd_step = lambda *a, **k: None\n"
        "check_sgd_step = lambda *a, **k: None\n"))
    assert "sign" in message(worker.judge(code_cell(notebook("03-sgd"), "test_sgd_step")))


@pytest.mark.parametrize("body, words", [
    ("return np.empty(3, dtype=object)", "sgd_step returned theta"),
    ("return np.zeros(10_000_000) + theta[0]", "the autograder takes at most 64 MB"),
    ("return type('Weird', (), {'shape': (3,)})()", "as a NumPy array, got Weird"),
])
def test_what_cannot_cross_the_bridge_fails_the_test_cleanly(worker, body, words):
    """Values that are not data stay in the notebook; too much data is refused."""
    assert MAX_MESSAGE == 64 * 2**20
    worker.load("import numpy as np\nfrom course.checks import check_sgd_step\n"
                f"def sgd_step(theta, g, lr):\n    {body}\n")
    found = message(worker.judge("check_sgd_step(sgd_step)"))
    assert found is not None and words in found, found


def test_a_callback_into_the_grader_cannot_reach_anything_else(worker):
    """The notebook can only call what the check handed it: asking the grader for
    anything else (a lookup, an attribute) is refused."""
    worker.load("import numpy as np\nfrom course.checks import check_nesterov_step\n"
                "def nesterov_step(theta, v, grad_fn, lr, alpha):\n"
                "    import gc, importlib\n"
                "    b = importlib.import_module(''.join(['cour', 'se.bridge']))\n"
                "    peer = next(o for o in gc.get_objects() if isinstance(o, b.Peer))\n"
                "    peer.request({'op': 'lookup', 'name': 'os'})\n")
    found = message(worker.judge("check_nesterov_step(nesterov_step)"))
    assert found is not None and "PermissionError" in found and "does not answer 'lookup'" in found


def test_an_error_of_the_graders_callback_shows_none_of_the_graders_code(worker):
    """A student's function that calls the check's ``grad_fn`` wrongly gets the error it
    raised in the grader's process, without the grader's frames, files or code."""
    worker.load("import numpy as np\nfrom course.checks import check_nesterov_step\n"
                "def nesterov_step(theta, v, grad_fn, lr, alpha):\n"
                "    return theta - lr * grad_fn(theta[:1]), v\n")
    test = worker.judge("check_nesterov_step(nesterov_step)")
    [error] = [o for o in test.outputs if o.output_type == "error"]
    assert error.ename == "CheckFailed" and "nesterov_step raised ValueError" in error.evalue
    shown = "\n".join(error.traceback)
    assert "Your code raised the ValueError here" in shown
    assert str(REPO) not in shown and "File " not in shown, shown


def test_every_test_cell_of_the_course_is_judged_by_the_grader(assignments):
    """The course's graded test cells keep the trusted verdict."""
    cells = [(assignment, c.metadata["nbgrader"]["grade_id"], c.source)
             for assignment in assignments for c in notebook(assignment).cells
             if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
             and not c.metadata["nbgrader"].get("solution")]
    assert len(cells) >= 50
    assert [(a, name) for a, name, source in cells if not is_trusted(source)] == []


@pytest.mark.parametrize("source", [
    "check_sgd_step(sgd_step)",
    'check_sgd_step(sgd_step, seed=3141, reveal=False)\nassert_own_implementation(sgd_step)\nprint("ok")',
    '"""Docstring."""\n# comment\ncheck_clip_by_norm(clip_by_norm, shape=(3, -4), scale=-1.5)',
])
def test_calls_of_the_checks_are_judged_by_the_grader(source):
    assert is_trusted(source)


@pytest.mark.parametrize("source", [
    # nbgrader's documentation: the grader's process has no `squares` to delete
    "orig_squares = squares\ndel squares\ntry:\n    sum_of_squares(1)\nexcept NameError:\n    pass\n"
    "finally:\n    squares = orig_squares",
    "assert squares(1) == [1]",
    'print("nothing checked")',  # no check at all
    "check_sgd_step(sgd_step)\nx = 1",  # an assignment: state the notebook would keep
    "check_sgd_step(sgd_step)\n3",  # a last value: nbgrader's partial credit
    'check_sgd_step(sgd_step)\n"last"',
    "check_sgd_step(lambda t, g, lr: t)",  # code, not a name or a literal
    "check_sgd_step(make_step(0.1))",
    "check_sgd_step(sum)",  # a builtin: another object in the grader than in the notebook
    "check_sgd_step(check_adam_step)",
    "check_sgd_step(*steps)",
    "check_sgd_step(**options)",
    "check_sgd_step(course.optim.sgd_step)",
    "CheckFailed('x')",  # not a check
    "print(message)",  # prints a name: the grader's print would show the grader's value
    "print('a', file=sys.stderr)",
    "%time check_sgd_step(sgd_step)",  # IPython syntax
    "!ls",
    "check_sgd_step(sgd_step",  # not Python
])
def test_every_other_test_cell_runs_in_the_notebook(source):
    assert not is_trusted(source)


def test_a_grader_function_passed_back_is_called_in_the_grader():
    """A function the grader handed the notebook (the ``f`` a solver gets) goes back as
    the grader's own object when the student's code passes it on, never as a new proxy;
    a function of the student's own that wraps it stays the student's."""
    import socket

    from course.notebook_bridge import NotebookPeer

    mine, theirs = socket.socketpair()
    with mine, theirs:
        peer = NotebookPeer(mine, {})
        f = peer.decode({"$ref": 7, "kind": "callable", "type": "method", "name": "f"})
        assert peer.encode(f) == {"$own": 7}
        assert peer.encode([f, (f,)]) == [{"$own": 7}, {"$tuple": [{"$own": 7}]}]
        wrapped = peer.encode(lambda x: f(x))
        assert "$ref" in wrapped and wrapped["$ref"] != 7


def test_a_solvers_line_searches_run_without_a_round_trip_per_evaluation(worker, monkeypatch):
    """nonlinear_cg passes the check's f and grad on to strong_wolfe (the check's spy):
    the line search then evaluates them in the grader's process, so the grader calls
    into the notebook only to run the solver, once per test problem."""
    import course.bridge
    from course.checks.secondorder.line_search_solvers import _problems

    sent = []
    real = course.bridge.send
    monkeypatch.setattr(course.bridge, "send", lambda sock, message: (sent.append(message), real(sock, message))[1])
    worker.load(code_cell(notebook("06-second-order"), "setup"), code_cell(notebook("06-second-order"), "nonlinear_cg"))
    assert message(worker.judge("check_nonlinear_cg(nonlinear_cg)")) is None
    calls = [m for m in sent if m.get("op") == "call"]
    answered = [m for m in sent if "op" not in m]  # the grader's answers to the notebook's calls
    assert len(calls) == len(_problems(0)), len(calls)
    assert 0 < len(answered) < 100, len(answered)  # the solver's grad calls and line searches
