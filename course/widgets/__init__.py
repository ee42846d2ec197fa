"""The interactive figures of the lectures: one call per notebook cell.

>>> from course import widgets
>>> widgets.momentum_explorer(lr=0.1, alpha=0.9)   # a cell's last expression

Each function returns an :class:`Explorer`: sliders and buttons above a
figure that is redrawn when they move (``explorer.controls`` holds them by
name). Without a widget front end (nbconvert, nbgrader feedback, GitHub) the
cell shows the figure as a static PNG.

The optimizers run on the default backend (CuPy or NumPy); what is plotted is
copied to the host and handled with NumPy, so this part is not array-API generic.

L01: :func:`gradient_noise_explorer`, :func:`shuffling_explorer`, :func:`early_stopping_explorer`.
L02: :func:`eigendecay_explorer`, :func:`hessian_explorer`, :func:`saddle_escape_explorer`,
:func:`clipping_explorer`, :func:`power_explorer`.
L03: :func:`sgd_explorer`, :func:`batch_size_explorer`.
L04: :func:`terminal_velocity_explorer`, :func:`momentum_explorer`, :func:`momentum_rate_explorer`.
L05: :func:`adaptive_explorer`.
L06: :func:`zigzag_explorer`, :func:`methods_explorer`, :func:`cg_residual_explorer`, :func:`saddle_explorer`.
L07: :func:`deep_chain_explorer`, :func:`activations_explorer`, :func:`training_explorer`.
L08: :func:`initialization_explorer`, :func:`coordinate_descent_explorer`, :func:`averaging_explorer`.
L09: :func:`smoothing_explorer`, :func:`continuation_2d_explorer`, :func:`curriculum_explorer`,
:func:`pretraining_explorer`, :func:`transfer_explorer`, :func:`skip_explorer`.
"""

from course.widgets.adaptive import adaptive_explorer
from course.widgets.batchnorm import activations_explorer, deep_chain_explorer, training_explorer
from course.widgets.challenges import (
    clipping_explorer, eigendecay_explorer, hessian_explorer, power_explorer, saddle_escape_explorer,
)
from course.widgets.explorer import Explorer
from course.widgets.initialization import averaging_explorer, coordinate_descent_explorer, initialization_explorer
from course.widgets.learning import early_stopping_explorer, gradient_noise_explorer, shuffling_explorer
from course.widgets.momentum import momentum_explorer, momentum_rate_explorer, terminal_velocity_explorer
from course.widgets.secondorder import cg_residual_explorer, methods_explorer, saddle_explorer, zigzag_explorer
from course.widgets.sgd import batch_size_explorer, sgd_explorer
from course.widgets.strategies import (
    continuation_2d_explorer, curriculum_explorer, pretraining_explorer, skip_explorer, smoothing_explorer,
    transfer_explorer,
)

__all__ = [
    "Explorer",
    "activations_explorer",
    "adaptive_explorer",
    "averaging_explorer",
    "batch_size_explorer",
    "cg_residual_explorer",
    "clipping_explorer",
    "continuation_2d_explorer",
    "coordinate_descent_explorer",
    "curriculum_explorer",
    "deep_chain_explorer",
    "early_stopping_explorer",
    "eigendecay_explorer",
    "gradient_noise_explorer",
    "hessian_explorer",
    "initialization_explorer",
    "methods_explorer",
    "momentum_explorer",
    "momentum_rate_explorer",
    "power_explorer",
    "pretraining_explorer",
    "saddle_escape_explorer",
    "saddle_explorer",
    "sgd_explorer",
    "shuffling_explorer",
    "skip_explorer",
    "smoothing_explorer",
    "terminal_velocity_explorer",
    "training_explorer",
    "transfer_explorer",
    "zigzag_explorer",
]
