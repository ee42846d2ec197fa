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
"""

from course.widgets.adaptive import adaptive_explorer
from course.widgets.explorer import Explorer
from course.widgets.momentum import momentum_explorer, terminal_velocity_explorer
from course.widgets.sgd import batch_size_explorer, sgd_explorer

__all__ = [
    "Explorer",
    "adaptive_explorer",
    "batch_size_explorer",
    "momentum_explorer",
    "sgd_explorer",
    "terminal_velocity_explorer",
]
