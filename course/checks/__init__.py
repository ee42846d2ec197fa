"""The interactive figures of the lectures: one call per notebook cell.

>>> from course import widgets
>>> widgets.momentum_explorer(lr=0.1, alpha=0.9)   # a cell's last expression

Each function returns an :class:`Explorer`: sliders and buttons above a
figure that is redrawn when they move (``explorer.controls`` holds them by
name). Without a widget front end (nbconvert, nbgrader feedback, GitHub) the
cell shows the figure as a static PNG.

The optimizers run on the default backend (CuPy or NumPy); what is plotted is
copied to the host and handled with NumPy, so this part is not array-API generic.

L03: :func:`sgd_explorer`, :func:`batch_size_explorer`.
L04: :func:`momentum_explorer`, :func:`terminal_velocity_explorer`.
L05: :func:`adaptive_explorer`.
L06: :func:`zigzag_explorer`, :func:`methods_explorer`, :func:`cg_residual_explorer`, :func:`saddle_explorer`.
L07: :func:`activations_explorer`, :func:`training_explorer`.
L08: :func:`initialization_explorer`, :func:`coordinate_descent_explorer`, :func:`averaging_explorer`.
"""

from course.widgets.adaptive import adaptive_explorer
from course.widgets.batchnorm import activations_explorer, training_explorer
from course.widgets.explorer import Explorer
from course.widgets.initialization import averaging_explorer, coordinate_descent_explorer, initialization_explorer
from course.widgets.momentum import momentum_explorer, terminal_velocity_explorer
from course.widgets.secondorder import cg_residual_explorer, methods_explorer, saddle_explorer, zigzag_explorer
from course.widgets.sgd import batch_size_explorer, sgd_explorer

__all__ = [
    "Explorer",
    "activations_explorer",
    "adaptive_explorer",
    "averaging_explorer",
    "batch_size_explorer",
    "cg_residual_explorer",
    "coordinate_descent_explorer",
    "initialization_explorer",
    "methods_explorer",
    "momentum_explorer",
    "saddle_explorer",
    "sgd_explorer",
    "terminal_velocity_explorer",
    "training_explorer",
    "zigzag_explorer",
]
