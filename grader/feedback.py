"""Feedback for students: no hidden tests, and math that reads offline.

Preprocessors of nbgrader's ``generate_feedback`` (wired in ``nbgrader_config.py``):

``ClearHiddenTestsAndTracebacks``
    nbgrader's ``ClearHiddenTests``, and the tracebacks that would quote hidden tests cut.
``MathToMathML``
    The LaTeX of markdown cells (``$…$``, ``$$…$$``) as MathML, which browsers render
    themselves: nbgrader's feedback otherwise loads MathJax from a CDN and shows raw
    ``$…$`` offline. ``TEMPLATES`` replaces nbconvert's ``mathjax`` macro by nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from latex2mathml.converter import convert
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import ClearHiddenTests
from traitlets import Bool, List

from grader.verdict import is_trusted

#: Put first in ``HTMLExporter.extra_template_basedirs``: its ``feedback/mathjax.html.j2``
#: loads nothing.
TEMPLATES = str(Path(__file__).with_name("feedback_templates"))

# Code (fenced or inline) is left alone; math is $$…$$ or $…$, not an escaped \$.
_CODE = re.compile(r"(```.*?```|`[^`\n]*`)", re.S)
_MATH = re.compile(r"(?<!\\)\$\$(.+?)\$\$|(?<![\\$])\$(?!\s)([^$\n]+?)(?<!\s)\$(?!\d)", re.S)


class ClearHiddenTestsAndTracebacks(ClearHiddenTests):
    """Feedback preprocessor: remove hidden tests, the tracebacks that quote them and
    what an ordinary test cell with hidden tests printed.

    nbgrader's ``ClearHiddenTests`` removes the ``### BEGIN HIDDEN TESTS`` region from
    a cell's source, but an error raised there keeps a traceback that quotes the hidden
    lines. In every cell with hidden tests, each error output is cut down to its
    exception type and message. A test cell that ran in the student's kernel (not judged
    in the grader's process, ``grader.verdict.is_trusted``) also keeps its output there,
    which may show the hidden tests' inputs or expected values: in feedback, its printed
    and displayed output is replaced by a note. (The cells judged by the grader never
    keep what the student's code printed during hidden tests.)
    """

    hidden_output_note = "[output of the hidden tests not shown]\n"

    # nbconvert's HTML exporter configures this for all its preprocessors; unused here.
    display_data_priority = List().tag(config=True)

    def preprocess_cell(
        self, cell: NotebookNode, resources: dict, cell_index: int
    ) -> tuple[NotebookNode, dict]:
        if cell.cell_type == "code" and self.begin_test_delimeter in cell.source:
            for output in cell.outputs:
                if output.output_type == "error":
                    output.traceback = [
                        f"{output.ename}: {output.evalue}",
                        "(traceback not shown: this cell contains hidden tests)",
                    ]
            if utils.is_grade(cell) and not utils.is_solution(cell) and not is_trusted(cell.source):
                errors = [o for o in cell.outputs if o.output_type == "error"]
                shown = len(errors) < len(cell.outputs)
                cell.outputs = ([nbformat.v4.new_output("stream", name="stdout", text=self.hidden_output_note)]
                                if shown else []) + errors
        return super().preprocess_cell(cell, resources, cell_index)


def latex_to_mathml(markdown: str) -> str:
    """``markdown`` with each ``$$…$$`` and ``$…$`` outside code as MathML; an
    expression that does not convert stays as it was."""

    def math(match: re.Match) -> str:
        display, inline = match.group(1), match.group(2)
        try:
            return convert(display if display is not None else inline,
                           display="block" if display is not None else "inline")
        except Exception:  # latex2mathml raises many kinds; the text is still readable
            return match.group(0)

    parts = _CODE.split(markdown)
    return "".join(part if i % 2 else _MATH.sub(math, part) for i, part in enumerate(parts))


class MathToMathML(Preprocessor):
    """Feedback preprocessor: markdown cells' LaTeX as MathML (see the module docstring)."""

    enabled = Bool(True)
    display_data_priority = List().tag(config=True)

    def preprocess_cell(
        self, cell: NotebookNode, resources: dict, cell_index: int
    ) -> tuple[NotebookNode, dict]:
        if cell.cell_type == "markdown":
            cell.source = latex_to_mathml(cell.source)
        return cell, resources


__all__ = ["ClearHiddenTestsAndTracebacks", "MathToMathML", "TEMPLATES", "latex_to_mathml"]
