"""Checks for the graded exercises of the notebooks.

Each ``check_<exercise>(fn, seed=0, reveal=True)`` compares the student's
function with the reference in :mod:`course.optim` on random inputs in float32
and float64, one step and runs of steps, and returns None or raises a
:class:`CheckFailed` (an AssertionError) that says what is wrong and which common
mistake it looks like; IPython shows it without the checker's frames. A function
that uses the course's reference code fails too. A NotImplementedError of an
unfinished exercise passes through, shown in IPython with the student's frames only.
``reveal=False`` (hidden tests) keeps inputs and expected values out of the
messages.

:func:`assert_own_implementation` fails a function that uses the reference;
:func:`exercise_demo` keeps demo cells quiet while an exercise is unfinished.

Not array-API generic, by design: students' exercises take and return NumPy
arrays, so the checks build NumPy inputs and compare on the host.
"""

from course.checks.adaptive import (
    check_adagrad_step, check_adam_step, check_rmsprop_step, check_uncorrected_step_length,
)
from course.checks.batchnorm import (
    check_batchnorm_backward, check_batchnorm_forward, check_batchnorm_inference, check_first_order_decrease,
)
from course.checks.challenges import (
    check_clip_by_norm, check_hessian_eigs, check_largest_stable_lr, check_step_increases_cost,
)
from course.checks.demo import exercise_demo
from course.checks.failure import CheckFailed, show_unfinished_exercises_without_course_frames
from course.checks.initialization import check_coordinate_descent_step, check_ema_update, check_glorot_uniform
from course.checks.learning import check_batch_size_for_error, check_early_stopping_step, check_minibatch_gradient
from course.checks.momentum import (
    check_largest_stable_momentum_lr, check_momentum_rate, check_momentum_step, check_nesterov_step,
    check_optimal_momentum, check_terminal_velocity,
)
from course.checks.own_work import assert_own_implementation
from course.checks.sgd import check_linear_decay, check_minibatches, check_sgd_noise_floor, check_sgd_step
from course.checks.strategies import check_continuation, check_convexity_sigma, check_residual_backward
from course.checks.secondorder import (
    check_bfgs, check_bfgs_inverse_update, check_cg_iterations, check_closed_form, check_conjugate_gradient,
    check_exact_step, check_exact_step_orthogonal, check_nonlinear_cg, check_optimal_constant_step,
)

show_unfinished_exercises_without_course_frames()

__all__ = [
    "CheckFailed",
    "assert_own_implementation",
    "check_adagrad_step",
    "check_adam_step",
    "check_batchnorm_backward",
    "check_batchnorm_forward",
    "check_batch_size_for_error",
    "check_batchnorm_inference",
    "check_clip_by_norm",
    "check_continuation",
    "check_convexity_sigma",
    "check_coordinate_descent_step",
    "check_early_stopping_step",
    "check_ema_update",
    "check_first_order_decrease",
    "check_glorot_uniform",
    "check_hessian_eigs",
    "check_largest_stable_lr",
    "check_largest_stable_momentum_lr",
    "check_linear_decay",
    "check_minibatch_gradient",
    "check_minibatches",
    "check_momentum_rate",
    "check_momentum_step",
    "check_nesterov_step",
    "check_optimal_momentum",
    "check_residual_backward",
    "check_rmsprop_step",
    "check_sgd_noise_floor",
    "check_sgd_step",
    "check_step_increases_cost",
    "check_terminal_velocity",
    "check_uncorrected_step_length",
    "check_bfgs",
    "check_bfgs_inverse_update",
    "check_cg_iterations",
    "check_closed_form",
    "check_conjugate_gradient",
    "check_exact_step",
    "check_exact_step_orthogonal",
    "check_nonlinear_cg",
    "check_optimal_constant_step",
    "exercise_demo",
]
