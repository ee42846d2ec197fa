"""Graded test cells judged through the bridge give the verdict they give in the notebook.

While autograding, a test cell's check runs in the grader's process and calls the
student's function in the notebook's process through ``course.bridge``
(``course.verdict.TrustedTest``). Here the notebook's process is a plain Python worker
(no kernel, no sandbox: those are tested with nbgrader in test_autograde_hostile.py):
for every exercise, the solution, every right variant and every mutant must fail exactly
the test cells it fails in-process, with the same message; and what a student's code
does in its own process (patch the checks, rebind names, lie about its code) cannot make
a failing test pass.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import numpy as np
import pytest
from test_mutants import (
    CASES, RIGHT, SOLUTIONS, code_cell, failing_test_cells, graded_cells, notebook, python_source,
)

from course.bridge import MAX_MESSAGE, Peer
from course.verdict import TrustedTest

REPO = Path(__file__).resolve().parents[1]
# The notebook's stand-in: runs cells, then answers the grader, one test cell at a time.
WORKER = r"""
import contextlib, io, json, sys
from course.bridge import serve
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


def bridged_failures(worker: Notebook, lecture: str, function: str, source: str) -> dict[str, str]:
    worker.load(code_cell(notebook(lecture), "setup"), source)
    failures = {}
    for cell_id, test_source in graded_cells(notebook(lecture), function):
        found = message(worker.judge(test_source))
        if found is not None:
            failures[cell_id] = found
    return failures


def _same_verdicts(worker, lecture, function, source):
    expected = failing_test_cells(lecture, function, source)
    got = bridged_failures(worker, lecture, function, source)
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
    _same_verdicts(worker, lecture, function, variant.read_text())


@pytest.mark.parametrize("lecture, function, mutant", CASES)
def test_mutants_fail_through_the_bridge_with_the_same_message(worker, lecture, function, mutant):
    _same_verdicts(worker, lecture, function, mutant.read_text())
