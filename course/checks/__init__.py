"""Checks for the graded exercises of the notebooks.

Each ``check_<exercise>(fn, seed=0, reveal=True)`` compares the student's
function with the reference in :mod:`course.optim` on random inputs in float32
and float64, one step and runs of steps, and returns None or raises a
:class:`CheckFailed` (an AssertionError) that says what is wrong and which common
mistake it looks like; IPython shows it without the checker's frames. A function
that uses the course's reference code fails too. A NotImplementedError of an
unfinished exercise passes through unchanged.
``reveal=False`` (hidden tests) keeps inputs and expected values out of the
messages.

:func:`assert_own_implementation` fails a function that uses the reference;
:func:`exercise_demo` keeps demo cells quiet while an exercise is unfinished.

Not array-API generic, by design: students' exercises take and return NumPy
arrays, so the checks build NumPy inputs and compare on the host.
"""

from course.checks.adaptive import check_adagrad_step, check_adam_step, check_rmsprop_step
from course.checks.demo import exercise_demo
from course.checks.failure import CheckFailed
from course.checks.momentum import check_momentum_step, check_nesterov_step
from course.checks.own_work import assert_own_implementation
from course.checks.sgd import check_linear_decay, check_minibatches, check_sgd_step

__all__ = [
    "CheckFailed",
    "assert_own_implementation",
    "check_adagrad_step",
    "check_adam_step",
    "check_linear_decay",
    "check_minibatches",
    "check_momentum_step",
    "check_nesterov_step",
    "check_rmsprop_step",
    "check_sgd_step",
    "exercise_demo",
]
