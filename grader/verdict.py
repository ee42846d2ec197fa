"""A graded test cell's verdict, decided where the student's code cannot reach it.

The autograder (``grader.preprocessors.GradeExecute``) runs a graded test cell written with
the course's checks (:func:`is_trusted`: calls of :mod:`course.checks`' functions) outside
the student's notebook process. It runs the cell's code here, in the grader's process,
with the checks of :mod:`course.checks` imported here; every other name the cell uses
(the student's function) is looked up in the notebook and called through the bridge
(:mod:`grader.bridge` here, :mod:`course.bridge` on the wire), while the notebook
process runs ``course.notebook_bridge.serve`` in place of the cell. The student's code
can compute wrong answers, loop, crash or patch anything in its own process: the check,
its comparison and its verdict stay out of reach, and the hidden tests' code never
enters the notebook process.

One :class:`TrustedTest` per test cell: it listens on a Unix socket in a folder the
sandbox shares with the grader, :attr:`TrustedTest.serve_code` is what the notebook runs,
and :meth:`TrustedTest.run` (in a thread of the grader) runs the cell and keeps the
outcome as notebook outputs, and as a :class:`grader.diagnoses.Verdict` (the mistake
the check named, for the instructor's report) in :attr:`TrustedTest.verdict`.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import os
import socket
import time
from typing import Any

import nbformat
from nbformat import NotebookNode

import course.checks
from course.bridge import BridgeClosed, BridgeFailure, BridgeTimeout, RemoteNamespace, send
from course.checks import own_work
from grader.bridge import GraderPeer
from grader.diagnoses import UNREACHED, judged

#: Names every test cell sees from the grader's side (never looked up in the notebook).
TRUSTED_NAMES = {name: getattr(course.checks, name) for name in course.checks.__all__}
HIDDEN_TESTS = "### BEGIN HIDDEN TESTS"
#: The checks a trusted test cell may call: course.checks' functions that judge a student's
#: function and return nothing.
CHECKS = frozenset(name for name in TRUSTED_NAMES
                   if callable(TRUSTED_NAMES[name]) and not isinstance(TRUSTED_NAMES[name], type)
                   and (name.startswith("check_") or name == "assert_own_implementation"))


def _constant(node: ast.expr) -> bool:
    """A literal: a constant, a signed number, or a tuple or list of literals."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return isinstance(node.operand, ast.Constant) and isinstance(node.operand.value, (int, float, complex))
    if isinstance(node, (ast.Tuple, ast.List)):
        return all(_constant(element) for element in node.elts)
    return False


def _argument(node: ast.expr) -> bool:
    """What a check may be given: a literal, or a name the notebook defines (a name of
    Python's builtins or of the checks would mean another object in the grader)."""
    if isinstance(node, ast.Name):
        return not hasattr(builtins, node.id) and node.id not in TRUSTED_NAMES
    return _constant(node)


def _statement(node: ast.stmt) -> str | None:
    """"check" for a call of a check, "print" for a print of literal text, "doc" for a
    string literal, None for anything else."""
    if not isinstance(node, ast.Expr):
        return None
    if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
        return "doc"
    call = node.value
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
        return None
    if call.func.id in CHECKS:
        if all(_argument(a) for a in call.args) and all(
                k.arg is not None and _argument(k.value) for k in call.keywords):
            return "check"
    elif call.func.id == "print":
        if all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in call.args) and all(
                k.arg in ("sep", "end") and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)
                for k in call.keywords):
            return "print"
    return None


def is_trusted(source: str) -> bool:
    """Whether a graded test cell is judged in the grader's process (:class:`TrustedTest`).

    Only where that keeps the cell's meaning: the cell is plain Python whose every
    statement is a call of one of :data:`CHECKS` (``check_sgd_step(sgd_step, seed=3141,
    reveal=False)``, ``assert_own_implementation(sgd_step)``) given names the notebook
    defines and literals, a ``print`` of literal text, or a string literal other than the
    last statement (a docstring); at least one is a check. Comments (the hidden-test
    markers) do not count. Any other test cell (assignments, ``del``, ``assert``,
    ``try``, loops, other calls, IPython magics) runs in the student's kernel, as
    nbgrader runs it, and is scored as nbgrader scores it.

    ``source`` is the instructor's cell (autograding restores test cells from the
    gradebook), so a student cannot change which way a cell is graded.
    """
    try:
        body = ast.parse(source).body
    except (SyntaxError, ValueError):  # IPython syntax (%magic, !shell), or not Python
        return False
    kinds = [_statement(node) for node in body]
    return ("check" in kinds and None not in kinds and kinds[-1] != "doc")


class _NotebookNames(dict):
    """A test cell's local names: what the cell assigns, else the notebook's global of
    that name (through the bridge), unless the grader's side defines it."""

    def __init__(self, peer: GraderPeer, trusted: dict) -> None:
        super().__init__()
        self.notebook, self.trusted = RemoteNamespace(peer), trusted

    def __missing__(self, name: str) -> Any:
        if name in self.trusted or hasattr(builtins, name):
            raise KeyError(name)  # exec then finds it among the grader's globals or builtins
        return self.notebook[name]  # KeyError if the notebook has no such name either


def error_output(ename: str, evalue: str) -> NotebookNode:
    """A notebook error output that shows ``ename: evalue`` alone."""
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def timeout_message(seconds: float, where: str, graded: bool) -> str:
    """What a student reads when their code ran past the limit ``where`` (" in `f`")."""
    verdict = ": this test scores 0" if graded else ""
    return (f"your code ran longer than {seconds:g} s{where} and was stopped{verdict}. "
            "Look for a loop that never ends, or work that grows much faster than it should.")


def died_message(where: str, graded: bool) -> str:
    """What a student reads when the kernel died ``where`` (" in `f`")."""
    verdict = ": this test scores 0" if graded else ""
    return (f"the Python process running your notebook died{where} (it crashed, exited, or used more "
            f"memory or CPU time than allowed){verdict}. The autograder started a new one and ran your "
            "earlier cells again for the cells after this one.")


class TrustedTest:
    """One graded test cell run in the grader's process against a notebook process.

    Parameters
    ----------
    folder : str
        A folder both processes can reach (the sandbox's shared runtime folder).
    source : str
        The test cell's code (hidden tests included).
    timeout : float
        Seconds the whole cell may take.
    """

    def __init__(self, folder: str, source: str, timeout: float) -> None:
        self.source, self.timeout = source, timeout
        self.hidden = HIDDEN_TESTS in source
        self.path = os.path.join(folder, f"verdict-{os.getpid()}-{id(self)}.sock")
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(self.path)
        os.chmod(self.path, 0o777)  # the notebook may run as another user (grader.sandbox), whose
        # group alone (with root) may enter the folder
        self.listener.listen(1)
        self.listener.settimeout(timeout)
        self.outputs: list[NotebookNode] = []
        self.verdict = UNREACHED

    @property
    def serve_code(self) -> str:
        """What the notebook runs in place of the test cell."""
        return f"__import__('course.notebook_bridge', fromlist=['serve']).serve({self.path!r}, globals())"

    def stop_waiting(self) -> None:
        """The notebook finished without connecting: give up waiting for it."""
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()

    def run(self) -> None:
        """Accept the notebook's connection, run the cell, keep its outputs."""
        try:
            connection, _ = self.listener.accept()
        except OSError:  # timeout, or stop_waiting
            self.outputs.append(error_output(
                "GraderError", "the autograder could not reach your notebook's Python process to run "
                "this test (did your code change how cells run?): this test scores 0."))
            return
        finally:
            self.listener.close()
            if os.path.exists(self.path):
                os.unlink(self.path)
        peer = GraderPeer(connection)
        peer.hide_messages = self.hidden
        peer.reference_log = own_work.current_reference_log
        peer.deadline = time.monotonic() + self.timeout
        printed = io.StringIO()

        def print_(*args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("file", printed)
            builtins.print(*args, **kwargs)

        trusted = {"__builtins__": builtins, "__name__": "__graded_test__", "print": print_, **TRUSTED_NAMES}
        failure: BaseException | None = None
        try:
            exec(compile(self.source, "<graded test>", "exec"), trusted, _NotebookNames(peer, trusted))
        except BaseException as exc:  # noqa: BLE001 - the verdict of the test
            failure = exc
        finally:
            with contextlib.suppress(BridgeFailure):
                send(connection, {"op": "done"})
            connection.close()
        self.verdict = judged(failure)
        if printed.getvalue():
            self.outputs.append(nbformat.v4.new_output("stream", name="stdout", text=printed.getvalue()))
        where = f" in `{peer.failed_in}`" if peer.failed_in else ""
        if isinstance(failure, BridgeTimeout):
            self.outputs.append(error_output("Timeout", timeout_message(self.timeout, where, graded=True)))
        elif isinstance(failure, BridgeClosed):
            self.outputs.append(error_output("ProcessDied", died_message(where, graded=True)))
        elif failure is not None:
            self.outputs.append(self._failed(failure))

    @staticmethod
    def _failed(exc: BaseException) -> NotebookNode:
        """The output of the check's exception: a CheckFailed as IPython shows it, the
        student's own exception with their frames only, anything else by name alone
        (never the grader's frames or paths)."""
        ename, evalue = type(exc).__name__, str(exc)
        render = getattr(exc, "_render_traceback_", None)
        if callable(render):
            lines = [str(line) for line in render()]
        else:
            lines = list(getattr(exc, "remote_traceback", None) or [f"{ename}: {evalue}"])
        return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=lines)


__all__ = ["CHECKS", "TrustedTest", "died_message", "error_output", "is_trusted", "timeout_message"]
