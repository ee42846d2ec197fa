"""What `make release` removes besides nbgrader's solutions and hidden tests.

Instructors' model answers to the lectures' "Question" and "Try" prompts live in the
source notebooks (``solutions/``) as markdown cells tagged ``model-answer``, right
after the prompt they answer. :class:`ClearModelAnswers` drops those cells from the
student release, before nbgrader records any cell in the gradebook, so that they
reach neither the students' notebooks nor autograded copies nor feedback.
"""

from __future__ import annotations

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

#: The tag of an instructor's model-answer cell.
MODEL_ANSWER = "model-answer"


def is_model_answer(cell: NotebookNode) -> bool:
    return MODEL_ANSWER in cell.get("metadata", {}).get("tags", [])


class ClearModelAnswers(NbGraderPreprocessor):
    """Remove the cells tagged ``model-answer`` (only markdown cells may carry it)."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        for cell in nb.cells:
            if is_model_answer(cell) and cell.cell_type != "markdown":
                raise ValueError(f"only markdown cells can be model answers; a {cell.cell_type} cell is tagged "
                                 f"{MODEL_ANSWER!r}: {cell.source[:60]!r}")
        nb.cells = [cell for cell in nb.cells if not is_model_answer(cell)]
        return nb, resources
