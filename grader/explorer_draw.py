"""An explorer cell's default picture, drawn by the grader (``python -m grader.explorer_draw``).

:mod:`grader.explorers` recognises explorer cells with :func:`explorer_call` and has
their pictures drawn by :func:`draw` in a new Python process, which runs this module
(it imports nothing of nbgrader, only the course package, as it is on disk now):
a JSON list of cell sources on stdin, a JSON list of their outputs on stdout.
"""

from __future__ import annotations

import ast
import contextlib
import json
import sys
from typing import Any

#: The outputs' MIME types kept: what feedback shows of an explorer without widget state.
KEPT = ("image/png", "text/plain")


def explorer_call(source: str) -> tuple[str, list[Any], dict[str, Any]] | None:
    """``(name, args, kwargs)`` if ``source`` is exactly one call ``widgets.<name>(...)``
    whose arguments are literal constants (numbers, strings, tuples…); else None.

    Nothing is evaluated: the arguments are read with :func:`ast.literal_eval`.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return None
    call = tree.body[0].value
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name) and call.func.value.id == "widgets"):
        return None
    if any(isinstance(arg, ast.Starred) for arg in call.args) or any(k.arg is None for k in call.keywords):
        return None
    try:
        args = [ast.literal_eval(arg) for arg in call.args]
        kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
    except ValueError:
        return None
    return call.func.attr, args, kwargs


def draw(source: str) -> list[dict] | None:
    """The outputs of the default picture of the explorer cell ``source``, as a notebook
    cell's outputs (one ``execute_result`` holding the PNG fallback and the text of
    :meth:`course.widgets.Explorer._repr_mimebundle_`), or None when ``source`` is not
    a call of a function of ``course.widgets.__all__`` returning an explorer.

    Runs the course's code, with Matplotlib's default settings (no ``matplotlibrc``
    applies): call it in a process of the grader's own, never in a student's.
    """
    call = explorer_call(source)
    if call is None:
        return None
    name, args, kwargs = call
    import matplotlib

    from course import widgets

    if name not in widgets.__all__ or name == "Explorer":
        return None
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        explorer = getattr(widgets, name)(*args, **kwargs)
        if not isinstance(explorer, widgets.Explorer):
            return None
        bundle = explorer._repr_mimebundle_()
    _close(explorer)
    return [{"output_type": "execute_result", "data": {mime: bundle[mime] for mime in KEPT},
             "metadata": {}, "execution_count": None}]


def _close(widget: Any) -> None:
    """Close ``widget`` and every widget it holds (they stay registered otherwise)."""
    for child in getattr(widget, "children", ()):
        _close(child)
    widget.close()


def main() -> int:
    """Read a JSON list of cell sources on stdin; write the JSON list of their
    :func:`draw` outputs on stdout."""
    sources = json.load(sys.stdin)
    with contextlib.redirect_stdout(sys.stderr):  # what the drawing prints is not the answer
        outputs = [draw(source) for source in sources]
    json.dump(outputs, sys.stdout)
    return 0


__all__ = ["KEPT", "draw", "explorer_call"]

if __name__ == "__main__":
    sys.exit(main())
