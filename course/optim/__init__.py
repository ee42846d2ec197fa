"""The first-order methods of chapter 8: pure step functions, schedules, optimizer objects.

Step functions (what students implement): :func:`sgd_step`, :func:`momentum_step`,
:func:`nesterov_step`, :func:`adagrad_step`, :func:`rmsprop_step`,
:func:`rmsprop_nesterov_step`, :func:`adam_step`; :func:`uncorrected_step_length` (Adam's
step without bias correction, for a prediction).
Optimizer objects (``init``/``update``, for experiments): :class:`SGD`, :class:`Momentum`,
:class:`Nesterov`, :class:`AdaGrad`, :class:`RMSProp`, :class:`RMSPropNesterov`,
:class:`Adam`, driven by :func:`run`.
"""

from course.optim.averaging import clip_by_norm, ema, polyak_average
from course.optim.minibatch import minibatches
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
    "Trajectory", "adagrad_step", "adam_step", "clip_by_norm", "ema", "linear_decay",
    "minibatches", "momentum_step", "nesterov_step", "polyak_average", "rmsprop_nesterov_step",
    "rmsprop_step", "run", "sgd_step", "uncorrected_step_length", "warmup",
]
