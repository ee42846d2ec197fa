"""The first-order methods of chapter 8: pure step functions, schedules, optimizer objects.

Step functions (what students implement): :func:`sgd_step`, :func:`momentum_step`,
:func:`nesterov_step`, :func:`adagrad_step`, :func:`rmsprop_step`,
:func:`rmsprop_nesterov_step`, :func:`adam_step`; :func:`uncorrected_step_length` (Adam's
step without bias correction, for a prediction).
SGD on a noisy quadratic (lecture 03): :func:`sgd_noise_floor`, :func:`expected_sgd_loss`,
:func:`steps_to_target`.
The rate theory of momentum on a quadratic (lecture 04): :func:`momentum_matrix`,
:func:`momentum_rate`, :func:`largest_stable_momentum_lr`, :func:`optimal_momentum`,
:func:`optimal_gradient_descent`, :func:`terminal_velocity`, :func:`stationary_loss`.
Optimizer objects (``init``/``update``, for experiments): :class:`SGD`, :class:`Momentum`,
:class:`Nesterov`, :class:`AdaGrad`, :class:`RMSProp`, :class:`RMSPropNesterov`,
:class:`Adam`, driven by :func:`run`.
"""

from course.optim.averaging import clip_by_norm, ema, polyak_average
from course.optim.minibatch import minibatches
from course.optim.noise import expected_sgd_loss, sgd_noise_floor, steps_to_target
from course.optim.optimizers import (
    SGD,
    AdaGrad,
    Adam,
    Momentum,
    Nesterov,
    Optimizer,
    RMSProp,
    RMSPropNesterov,
)
from course.optim.rates import (
    largest_stable_momentum_lr,
    momentum_matrix,
    momentum_rate,
    optimal_gradient_descent,
    optimal_momentum,
    stationary_loss,
    terminal_velocity,
)
from course.optim.schedules import linear_decay, warmup
from course.optim.steps import (
    adagrad_step,
    adam_step,
    momentum_step,
    nesterov_step,
    rmsprop_nesterov_step,
    rmsprop_step,
    sgd_step,
    uncorrected_step_length,
)
from course.optim.trajectory import Trajectory, run

__all__ = [
    "SGD", "AdaGrad", "Adam", "Momentum", "Nesterov", "Optimizer", "RMSProp", "RMSPropNesterov",
    "Trajectory", "adagrad_step", "adam_step", "clip_by_norm", "ema", "expected_sgd_loss",
    "largest_stable_momentum_lr", "linear_decay", "minibatches", "momentum_matrix", "momentum_rate",
    "momentum_step", "nesterov_step", "optimal_gradient_descent", "optimal_momentum", "polyak_average",
    "rmsprop_nesterov_step", "rmsprop_step", "run", "sgd_noise_floor", "sgd_step", "stationary_loss",
    "steps_to_target", "terminal_velocity", "uncorrected_step_length", "warmup",
]
