"""``CheckFailed``: a check's failure, shown to a student without the checker's frames.

IPython shows an exception that has a ``_render_traceback_()`` method by calling
it. A CheckFailed renders as its message alone, followed, when the student's
function raised, by that exception's traceback without the frames of the
``course`` package: the student sees the diagnosis first, then their own code,
never the checker's (``__tracebackhide__`` does not hide the frame that raises).
"""

from __future__ import annotations

import os
import sys
import traceback
import types
from typing import Any

_COURSE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
#: The checker's files: the course package and, while autograding, the grader's next to it.
_CHECKER = (_COURSE, os.path.join(os.path.dirname(_COURSE.rstrip(os.sep)), "grader") + os.sep)
_RED, _RESET = "\x1b[31m", "\x1b[39m"  # IPython's colour of the exception's name


def _in_course(tb: types.TracebackType) -> bool:
    return os.path.abspath(tb.tb_frame.f_code.co_filename).startswith(_CHECKER)


def without_course_frames(tb: types.TracebackType | None) -> types.TracebackType | None:
    """The traceback ``tb`` less its frames in files of the ``course`` package (and of
    the ``grader`` package, where a check runs in the grader's process)."""
    kept = []
    while tb is not None:
        if not _in_course(tb):
            kept.append(tb)
        tb = tb.tb_next
    filtered = None
    for entry in reversed(kept):
        filtered = types.TracebackType(filtered, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return filtered


def _traceback_lines(exc: BaseException) -> list[str]:
    """``exc`` with its traceback less the course's frames, formatted as IPython does
    (as the traceback module does outside IPython); for an exception raised in the
    notebook while autograding, the lines formatted there."""
    remote = getattr(exc, "remote_traceback", None)
    if remote is not None:
        return list(remote)
    tb = without_course_frames(exc.__traceback__)
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return traceback.format_exception(type(exc), exc, tb)
    return shell.InteractiveTB.structured_traceback(type(exc), exc, tb, tb_offset=0)


class CheckFailed(AssertionError):
    """A check's verdict that the student's function is wrong, with the reason.

    Where the student's function raised, the check raises ``CheckFailed(...) from``
    that exception, and the rendered traceback shows it after the message.
    """

    def _render_traceback_(self) -> list[str]:
        """The lines IPython shows: the message, then the student's exception if any."""
        lines = [f"{_RED}{type(self).__name__}{_RESET}: {self}"]
        cause = self.__cause__
        if cause is not None:
            lines += ["", f"Your code raised the {type(cause).__name__} here:", *_traceback_lines(cause)]
        return lines


def show_unfinished_exercises_without_course_frames() -> None:
    """In IPython, show a NotImplementedError (an unfinished exercise reached through a
    check) with the student's frames only, as a CheckFailed is shown. Does nothing
    outside IPython. It takes IPython's one custom exception handler."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return

    def student_frames(shell: Any, etype: type, value: BaseException, tb: types.TracebackType,
                       tb_offset: int | None = None) -> None:
        shell.showtraceback((etype, value, without_course_frames(tb)), tb_offset=tb_offset)

    shell.set_custom_exc((NotImplementedError,), student_frames)


__all__ = ["CheckFailed", "show_unfinished_exercises_without_course_frames", "without_course_frames"]
