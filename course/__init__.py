"""Optimization for training deep models: the course's reference implementations.

Subpackages and modules: :mod:`course.optim` (first-order methods),
:mod:`course.problems` (objectives), :mod:`course.strategies` (lecture 09's
continuation, curriculum, pretraining and skip connections), :mod:`course.gradcheck`,
:mod:`course.backend` (NumPy or CuPy), :mod:`course.checks` (exercise checks),
:mod:`course.plotting` and :mod:`course.widgets` (what the notebooks show),
:mod:`course.bridge` and :mod:`course.notebook_bridge` (the notebook's side of the
autograder's bridge). The instructor's grading system is the separate ``grader``
package, which nothing here imports.
"""

from course.backend import backend_info

__all__ = ["backend_info"]
__version__ = "0.1.0"
