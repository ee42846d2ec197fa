"""``CheckFailed``: a check's failure, shown to a student without the checker's frames.

IPython shows an exception that has a ``_render_traceback_()`` method by calling
it. A CheckFailed renders as its message alone, followed, when the student's
function raised, by that exception's traceback without the frames of the
``course`` package: the student sees the diagnosis first, then their own code,
never the checker's (``__tracebackhide__`` does not hide the frame that raises).

A CheckFailed that names a known mistake carries its stable identifier,
``<function>/<slug>`` (e.g. ``adam_step/no-bias-correction``), in ``mistake``, and
its message ends with it (``Mistake id: …``): the autograder records it, the
instructor's report counts it (``grader.diagnoses``, ``grader.report``) and the
student's feedback shows it next to the message. ``mistake`` is None when no known
mistake explains the failure.
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


#: What precedes a mistake's identifier at the end of a CheckFailed's message.
MISTAKE_LABEL = "Mistake id: "

# Slugs of the mistakes the check of any exercise may name, ``<function>/<slug>``.
#: The function modifies one of its array arguments in place.
IN_PLACE = "in-place"
#: The function calls the course's reference code.
CALLS_REFERENCE = "calls-reference"
#: The function returns None (``return`` missing).
MISSING_RETURN = "missing-return"
#: The function returns a value of the wrong kind (a list, a single array for a tuple, …).
WRONG_RETURN_TYPE = "wrong-return-type"
#: The function returns an array of the wrong shape.
WRONG_SHAPE = "wrong-shape"
#: The function returns an array of another dtype than its inputs'.
WRONG_DTYPE = "wrong-dtype"
#: The function returns its values in the wrong order.
SWAPPED_RETURNS = "swapped-returns"
#: The def line's default of a parameter was changed.
DEFAULT_CHANGED = "default-changed"


def call_count_slug(param: str) -> str:
    """The slug of calling the function passed as ``param`` other than once per call."""
    return f"{param}-call-count"


def mistake_id(function: str, slug: str | None) -> str | None:
    """The identifier ``<function>/<slug>`` of a mistake (None without a slug)."""
    return f"{function}/{slug}" if slug else None


class CheckFailed(AssertionError):
    """A check's verdict that the student's function is wrong, with the reason.

    Where the student's function raised, the check raises ``CheckFailed(...) from``
    that exception, and the rendered traceback shows it after the message.

    Parameters
    ----------
    message : str
        What is wrong, for the student.
    mistake : str or None
        The identifier ``<function>/<slug>`` of the known mistake the check named, None
        when none explains the failure. Never derived from the message's wording.
    """

    def __init__(self, message: str = "", mistake: str | None = None) -> None:
        super().__init__(message)
        self.message, self.mistake = message, mistake

    def __str__(self) -> str:
        return self.message if self.mistake is None else f"{self.message}\n{MISTAKE_LABEL}{self.mistake}"

    def __reduce__(self) -> tuple:
        return type(self), (self.message, self.mistake)

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


__all__ = ["CALLS_REFERENCE", "DEFAULT_CHANGED", "IN_PLACE", "MISSING_RETURN", "MISTAKE_LABEL", "SWAPPED_RETURNS",
           "WRONG_DTYPE", "WRONG_RETURN_TYPE", "WRONG_SHAPE", "CheckFailed", "call_count_slug", "mistake_id",
           "show_unfinished_exercises_without_course_frames", "without_course_frames"]
