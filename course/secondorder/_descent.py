"""The loop shared by nonlinear CG, BFGS and L-BFGS: direction, strong-Wolfe step, update.

A solver is a *rule* for the search direction, its line search and first trial
step (see :class:`DirectionRule`); the loop does the rest: it stops when ‖g‖ ≤ tol,
falls back to steepest descent when the rule's direction is not a descent
direction, takes a step satisfying the strong Wolfe conditions, hands
the rule s = θ_{k+1} − θ_k and y = g_{k+1} − g_k, and records the path.
"""

from __future__ import annotations

from typing import Any, Callable, Protocol

from course.linesearch import LineSearchResult, finite_gradient, finite_value
from course.secondorder.result import OptimizeResult, Path, check_tolerances, check_x0, gradient_test

Array = Any


class DirectionRule(Protocol):
    """How a method picks its search direction d_k, line search and first trial step α₀."""

    #: c₂ of the strong-Wolfe line search.
    c2: float
    #: The line search, :func:`course.linesearch.strong_wolfe` or
    #: :func:`course.linesearch.more_thuente` (called as ``line_search(f, grad, x, d,
    #: c2=..., alpha0=..., fx=..., g=...)``).
    line_search: Callable[..., LineSearchResult]

    def direction(self, g: Array) -> Array:
        """d_k from the gradient g_k and what the rule remembers."""

    def reset(self) -> None:
        """Forget the past (the next direction is −g)."""

    def alpha0(self, slope: float, decrease: float | None) -> float:
        """First trial step, from φ'(0) = g_kᵀd_k and f_{k−1} − f_k (None at k = 0)."""

    def update(self, s: Array, y: Array) -> None:
        """Learn from the step s_k = θ_{k+1} − θ_k and y_k = g_{k+1} − g_k."""


def minimize(
    f: Callable[[Array], Any],
    grad: Callable[[Array], Array],
    x0: Array,
    rule: DirectionRule,
    tol: float,
    maxiter: int,
    record_path: bool,
) -> OptimizeResult:
    """Run the line-search method given by ``rule`` from x0 until ‖g‖ ≤ tol."""
    xp = check_x0(x0)
    tol, maxiter = check_tolerances(tol, maxiter)
    x, fx = x0, finite_value("f(x0)", f(x0))
    g = finite_gradient("grad(x0)", grad(x0), x0)
    nfev = njev = 1
    path, decrease = Path(x0, record_path), None
    for nit in range(maxiter + 1):
        grad_norm = float(xp.linalg.vector_norm(g))
        stop = gradient_test(grad_norm, tol, nit, maxiter)
        if stop:
            converged, message = stop
            break
        d = rule.direction(g)
        slope = float(xp.vecdot(g, d))
        if not slope < 0:  # not a descent direction: restart with steepest descent
            rule.reset()
            d = rule.direction(g)
            slope = float(xp.vecdot(g, d))
        step = rule.line_search(f, grad, x, d, c2=rule.c2, alpha0=rule.alpha0(slope, decrease),
                                 fx=fx, g=g)
        nfev, njev = nfev + step.nfev, njev + step.ngev
        if not step.success:
            converged, message = False, f"line search failed after {nit} iterations: {step.message}"
            break
        rule.update(step.x - x, step.grad - g)
        decrease = fx - step.fun
        x, fx, g = step.x, step.fun, step.grad
        path.append(x)
    return OptimizeResult(x, fx, grad_norm, nit, nfev, njev, converged, message, path.array())
