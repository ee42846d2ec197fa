"""The (approximate) second-order methods of lecture 06.

* :func:`newton`: Δθ = −(H + αI)⁻¹ g with full steps;
* :func:`steepest_descent_exact`: gradient descent with exact line search on ½ xᵀAx;
* :func:`conjugate_gradient`: linear CG for Ax = b, A symmetric positive definite;
* :func:`nonlinear_cg`: Polak–Ribière (PR, PR+) or Fletcher–Reeves CG with a
  strong-Wolfe line search;
* :func:`bfgs_inverse_update`, :func:`bfgs`, :func:`lbfgs`: quasi-Newton methods.

Every solver returns an :class:`OptimizeResult` (x, fun, grad_norm, nit, nfev, njev,
converged, message, path, residual_norms, nhev), so plots need no case per solver.
The arithmetic uses the array-API namespace of the inputs (NumPy, CuPy,
array-api-strict); ``path`` and ``residual_norms`` are NumPy arrays on the host.
The line searches are in :mod:`course.linesearch`.
"""

from course.secondorder.cg import conjugate_gradient, nonlinear_cg
from course.secondorder.newton import newton, steepest_descent_exact
from course.secondorder.quasinewton import bfgs, bfgs_inverse_update, lbfgs
from course.secondorder.result import OptimizeResult

__all__ = [
    "OptimizeResult", "bfgs", "bfgs_inverse_update", "conjugate_gradient", "lbfgs", "newton",
    "nonlinear_cg", "steepest_descent_exact",
]
