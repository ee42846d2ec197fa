"""Checks of lecture 06, one module per family of exercises:

* :mod:`~course.checks.secondorder.exact_line_search`: ``exact_step`` (and the
  orthogonality of its gradients), ``closed_form``, ``optimal_constant_step``;
* :mod:`~course.checks.secondorder.linear_cg`: ``conjugate_gradient``, ``cg_iterations``;
* :mod:`~course.checks.secondorder.bfgs_update`: ``bfgs_inverse_update``;
* :mod:`~course.checks.secondorder.line_search_solvers`: ``nonlinear_cg`` and ``bfgs``,
  followed through their calls of the provided ``strong_wolfe``.
"""

from course.checks.secondorder.bfgs_update import check_bfgs_inverse_update
from course.checks.secondorder.exact_line_search import (
    check_closed_form, check_exact_step, check_exact_step_orthogonal, check_optimal_constant_step,
    closed_form_iterate,
)
from course.checks.secondorder.line_search_solvers import (
    DIRECTION_TOLERANCE, InverseBFGS, PolakRibiere, check_bfgs, check_nonlinear_cg,
)
from course.checks.secondorder.linear_cg import check_cg_iterations, check_conjugate_gradient

__all__ = [
    "DIRECTION_TOLERANCE",
    "InverseBFGS",
    "PolakRibiere",
    "check_bfgs",
    "check_bfgs_inverse_update",
    "check_cg_iterations",
    "check_closed_form",
    "check_conjugate_gradient",
    "check_exact_step",
    "check_exact_step_orthogonal",
    "check_nonlinear_cg",
    "check_optimal_constant_step",
    "closed_form_iterate",
]
