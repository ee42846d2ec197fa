"""Newton's method, and steepest descent with exact line search on a quadratic."""

from __future__ import annotations

from typing import Any, Callable

import array_api_compat

from course import validation as check
from course.linesearch import exact_quadratic_step, finite_gradient, finite_value
from course.secondorder.result import OptimizeResult, Path, check_tolerances, check_x0, gradient_test

Array = Any


def _hessian(hess: Callable[[Array], Array], x: Array, n: int) -> Array:
    """hess(x), checked to be a finite (n, n) array."""
    H = hess(x)
    if tuple(H.shape) != (n, n):
        raise ValueError(f"hess(x) must have shape ({n}, {n}), got {tuple(H.shape)}")
    check.float_arrays(**{"hess(x)": H})
    return H


def newton(
    f: Callable[[Array], Any],
    grad: Callable[[Array], Array],
    hess: Callable[[Array], Array],
    x0: Array,
    damping: float = 0.0,
    tol: float = 1e-8,
    maxiter: int = 100,
    record_path: bool = True,
) -> OptimizeResult:
    """Newton's method with full steps: θ ← θ + Δθ, Δθ = −(H + αI)⁻¹ g.

    Δθ solves (H + αI) Δθ = −g (``xp.linalg.solve``; H is never inverted). With
    α = 0 it minimises a quadratic in one step, and near a minimiser with H ≻ 0 the
    error roughly squares at every step. There is no line search: Newton jumps to
    the stationary point of the local quadratic model, so where H is indefinite it
    is attracted to saddle points (on (1 − w₁w₂)² from near (0, 0) it goes to the
    saddle). The damping α ≥ 0 (regularisation) shortens the step and turns it
    towards −g.

    Parameters
    ----------
    f, grad, hess : callable
        θ ↦ f(θ), ∇f(θ) and the Hessian ∇²f(θ) (an (n, n) array).
    x0 : array, shape (n,)
        Starting point (not modified).
    damping : float
        α ≥ 0.
    tol : float
        Stop when ‖g‖ ≤ tol.
    maxiter : int
        The most iterations.
    record_path : bool
        Keep every iterate in ``path``.

    Returns
    -------
    OptimizeResult
        f is evaluated once, at the last iterate (``nfev`` = 1).

    Raises
    ------
    ValueError
        If x0 is not a 1-D float array, or the gradient, the Hessian or f is not finite.
        A singular H + αI makes ``xp.linalg.solve`` raise its library's error.
    """
    xp = check_x0(x0)
    tol, maxiter = check_tolerances(tol, maxiter)
    damping = check.non_negative("damping", damping)
    n = x0.shape[0]
    shift = damping * xp.eye(n, dtype=x0.dtype, device=array_api_compat.device(x0))
    x, path = x0, Path(x0, record_path)
    g = finite_gradient("grad(x0)", grad(x0), x0)
    for nit in range(maxiter + 1):
        grad_norm = float(xp.linalg.vector_norm(g))
        stop = gradient_test(grad_norm, tol, nit, maxiter)
        if stop:
            converged, message = stop
            break
        x = x - xp.linalg.solve(_hessian(hess, x, n) + shift, g)
        g = finite_gradient(f"grad(x) at iteration {nit + 1}", grad(x), x)
        path.append(x)
    fun = finite_value("f(x)", f(x))
    return OptimizeResult(x, fun, grad_norm, nit, 1, nit + 1, converged, message, path.array(), nhev=nit)


def steepest_descent_exact(A: Array, x0: Array, steps: int, tol: float = 0.0,
                           record_path: bool = True) -> OptimizeResult:
    """Steepest descent with exact line search on f(x) = ½ xᵀAx.

    g_k = A x_k,  α_k = g_kᵀg_k / g_kᵀAg_k (:func:`course.linesearch.exact_quadratic_step`
    with d = −g),  x_{k+1} = x_k − α_k g_k. Consecutive gradients are orthogonal,
    g_{k+1}ᵀg_k = 0, so the path zig-zags. On ½(x² + b y²) from (b, 1) the iterates
    are x_k = b ρᵏ, y_k = (−ρ)ᵏ with ρ = (b − 1)/(b + 1).

    Parameters
    ----------
    A : array, shape (n, n)
        Symmetric positive definite.
    x0 : array, shape (n,)
        Starting point.
    steps : int
        Number of steps, ≥ 0.
    tol : float
        Stop early when ‖g‖ ≤ tol (with the default 0, only at an exact minimiser,
        where α would be undefined).
    record_path : bool
        Keep every iterate in ``path``.

    Returns
    -------
    OptimizeResult
        ``path`` holds x0 and every iterate; ``converged`` says whether ‖g‖ ≤ tol;
        ``fun`` = ½ xᵀAx; ``njev`` = products with A; ``nfev`` = 0.

    Raises
    ------
    ValueError
        If A is not an (n, n) float array, or not positive definite along a gradient.
    """
    xp = check_x0(x0)
    steps = check.integer("steps", steps, 0)
    tol = check.non_negative("tol", tol)
    check.float_arrays(A=A)
    if tuple(A.shape) != (x0.shape[0],) * 2:
        raise ValueError(f"A must have shape ({x0.shape[0]}, {x0.shape[0]}) to match x0, got {tuple(A.shape)}")
    x, g, path = x0, A @ x0, Path(x0, record_path)
    for nit in range(steps + 1):
        grad_norm = float(xp.linalg.vector_norm(g))
        if grad_norm <= tol or nit == steps:
            break
        x = x - exact_quadratic_step(A, g, -g) * g
        g = A @ x
        path.append(x)
    converged = grad_norm <= tol
    message = f"‖g‖ = {grad_norm:.3g} after {nit} steps" + (" ≤ tol" if converged else "")
    return OptimizeResult(x, 0.5 * float(xp.vecdot(x, g)), grad_norm, nit, 0, nit + 1, converged,
                          message, path.array())
