"""A graded test cell's verdict, decided where the student's code cannot reach it.

The autograder (``grader.preprocessors.GradeExecute``) never runs a graded test cell in
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


__all__ = ["TrustedTest", "died_message", "error_output", "timeout_message"]
