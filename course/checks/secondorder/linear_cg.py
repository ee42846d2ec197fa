"""Checks of linear conjugate gradients (lecture 06).

* ``cg_iterations`` (predict, then check): how many iterations CG takes in exact
  arithmetic, from the spectrum of A and the components of r₀ along its eigenvectors;
* ``conjugate_gradient``, which is deterministic, so its x must solve Ax = b to the
  tolerance, its n_iter must match the reference's (±1: round-off near the stopping
  test), and with a small ``maxiter`` its iterate must be the reference's, the
  minimiser over the same Krylov space.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from course import secondorder
from course.checks.common import HIDDEN_NOTE, Case, Exercise, Mistake, calling, distance, show, verify
from course.checks.failure import CheckFailed, mistake_id
from course.checks.secondorder.shared import solver_outputs, spd, start, unchanged
from course.problems import Quadratic

# --- cg_iterations (predict, then check) --------------------------------------------


def cg_iterations_exact(eigenvalues: np.ndarray, coefficients: np.ndarray) -> int:
    """The iterations linear CG takes in exact arithmetic when A has the eigenvalues λ_i
    (orthonormal eigenvectors q_i) and r₀ = Σ c_i q_i: the number of distinct λ_i with
    c_i ≠ 0, the degree of the lowest polynomial p with p(0) = 1 that vanishes at them."""
    eigenvalues, coefficients = np.asarray(eigenvalues, dtype=float), np.asarray(coefficients, dtype=float)
    return int(np.unique(eigenvalues[coefficients != 0]).size)


def _distinct(values: np.ndarray) -> int:
    return int(np.unique(values).size)


_POLYNOMIAL = ("after k steps CG's error is p(A) e₀ for the best polynomial p of degree k with p(0) = 1: "
               "along an eigenvector the error is multiplied by p(λ_i)")

CG_ITERATIONS = Exercise(
    name="cg_iterations",
    params=("eigenvalues", "coefficients"),
    outputs=("n_iter",),
    reference=cg_iterations_exact,
    formula="n_iter = the lowest degree of a polynomial p with p(0) = 1 that is 0 at every eigenvalue whose "
            "eigenvector r₀ has a component along (" + _POLYNOMIAL + ")",
    scalar=True,
    mistakes=(
        Mistake("n is only a bound: " + _POLYNOMIAL + ", so count the roots p needs",
                lambda lam, c: len(lam), slug="dimension"),
        Mistake("an eigenvalue whose eigenvector r₀ has no component along (c_i = 0) costs no iteration: "
                "that eigenvector never enters the Krylov space span{r₀, A r₀, A² r₀, …}",
                lambda lam, c: _distinct(lam), slug="all-distinct"),
        Mistake("a repeated eigenvalue costs one iteration, not one per eigenvector: one root of p "
                "removes every component with that eigenvalue",
                lambda lam, c: int(np.count_nonzero(c)), slug="count-nonzero"),
        Mistake("an off-by-one: " + _POLYNOMIAL + ", and a polynomial of degree k can vanish at k points",
                lambda lam, c: cg_iterations_exact(lam, c) + 1, slug="plus-one"),
        Mistake("an off-by-one: " + _POLYNOMIAL + "; p(0) = 1 takes no root, so k roots need degree k",
                lambda lam, c: max(cg_iterations_exact(lam, c) - 1, 0), slug="minus-one"),
    ),
)


def _spectrum_case(label: str, rng: np.random.Generator, values: np.ndarray, zeros: int) -> Case:
    """A shuffled spectrum and components of r₀, ``zeros`` of them 0."""
    n = len(values)
    coefficients = np.round(rng.uniform(0.2, 2.0, n) * rng.choice([-1.0, 1.0], n), 3)
    coefficients[rng.choice(n, zeros, replace=False)] = 0.0
    order = rng.permutation(n)
    return Case(label, (values[order], coefficients[order]))


def _cg_iterations_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    k = int(rng.integers(3, 6))
    grid = np.arange(10, 500) / 10  # distinct values 1.0, 1.1, …, 49.9
    clustered = rng.choice(grid, k, replace=False)[np.arange(int(rng.integers(10, 15))) % k]
    spread = np.sort(rng.choice(grid, int(rng.integers(7, 10)), replace=False))
    repeated = np.repeat(rng.choice(grid, 4, replace=False), [3, 2, 2, 1])
    level = float(rng.choice(grid))
    return [
        _spectrum_case(f"for {k} distinct eigenvalues, repeated, and r₀ along every eigenvector", rng,
                       clustered, 0),
        _spectrum_case("for distinct eigenvalues and r₀ along only some eigenvectors", rng, spread, 3),
        _spectrum_case("for repeated eigenvalues and r₀ along only some eigenvectors", rng, repeated, 3),
        _spectrum_case("for A = λI (one eigenvalue)", rng, np.full(6, level), 0),
        Case("for r₀ = 0 (x₀ solves the system)", (rng.choice(grid, 5, replace=False), np.zeros(5))),
    ]


def check_cg_iterations(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``cg_iterations(eigenvalues, coefficients)``: the number of
    iterations linear CG takes in exact arithmetic when A has the eigenvalues λ_i and
    r₀ = Σ c_i q_i, the number of distinct λ_i with c_i ≠ 0.
    Parameters, errors: as :func:`~course.checks.secondorder.exact_line_search.check_exact_step`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    verify(CG_ITERATIONS, fn, _cg_iterations_cases(seed), reveal)


# --- conjugate_gradient --------------------------------------------------------------


def _cg(A: np.ndarray, b: np.ndarray, x0: np.ndarray | None = None, tol: float = 1e-10,
        maxiter: int | None = None, *, residual_sign: float = -1.0, beta_inverted: bool = False,
        alpha_without_A: bool = False, steepest: bool = False, absolute: bool = False,
        r0_is_b: bool = False, ignore_x0: bool = False, count_extra: int = 0) -> tuple[np.ndarray, int]:
    """Linear CG with one of the common mistakes switched on by a keyword."""
    n = len(b)
    maxiter = 10 * n if maxiter is None else maxiter
    x = np.zeros(n) if x0 is None or ignore_x0 else np.array(x0, dtype=np.float64)
    r = b.copy() if r0_is_b else b - A @ x
    d, rr = r.copy(), r @ r
    stop = tol if absolute else tol * np.linalg.norm(b)
    for k in range(maxiter):
        if math.sqrt(rr) <= stop:
            return x, k + count_extra
        Ad = A @ d
        alpha = rr / (d @ d if alpha_without_A else d @ Ad)
        x = x + alpha * d
        r = r + residual_sign * alpha * Ad
        rr_new = r @ r
        beta = 0.0 if steepest else (rr / rr_new if beta_inverted else rr_new / rr)
        d, rr = r + beta * d, rr_new
    return x, maxiter


def _cg_reference(A: np.ndarray, b: np.ndarray, x0: np.ndarray | None = None, tol: float = 1e-10,
                  maxiter: int | None = None) -> tuple[np.ndarray, int]:
    result = secondorder.conjugate_gradient(A, b, x0, tol, maxiter, record_path=False)
    return np.asarray(result.x), result.nit


CG_MISTAKES = (
    Mistake("the residual is recomputed with the wrong sign: r ← r − α A d",
            lambda *a, **k: _cg(*a, **k, residual_sign=1.0), slug="residual-wrong-sign"),
    Mistake("β is inverted: β = r_{k+1}ᵀr_{k+1} / r_kᵀr_k (new over old)",
            lambda *a, **k: _cg(*a, **k, beta_inverted=True), slug="beta-inverted"),
    Mistake("α misses A: α = r_kᵀr_k / d_kᵀA d_k", lambda *a, **k: _cg(*a, **k, alpha_without_A=True),
            slug="alpha-without-a"),
    Mistake("the direction is never updated with β (d ← r is steepest descent); "
            "d ← r + β d makes the directions conjugate", lambda *a, **k: _cg(*a, **k, steepest=True),
            slug="steepest-descent"),
    Mistake("the stopping test is absolute (‖r‖ ≤ tol); it is relative to the right-hand side, "
            "‖r‖ ≤ tol·‖b‖", lambda *a, **k: _cg(*a, **k, absolute=True), slug="absolute-tolerance"),
    Mistake("r₀ = b ignores x0: the first residual is r₀ = b − A x0", lambda *a, **k: _cg(*a, **k, r0_is_b=True),
            slug="r0-is-b"),
    Mistake("x0 is ignored: the iteration must start from x0 when it is given",
            lambda *a, **k: _cg(*a, **k, ignore_x0=True), slug="ignores-x0"),
    Mistake("n_iter counts one iteration too many: it is the number of steps taken",
            lambda *a, **k: _cg(*a, **k, count_extra=1), slug="count-off-by-one"),
)

_CG_FORMULA = ("r₀ = b − Ax₀, d₀ = r₀;  α = rᵀr / dᵀAd;  x ← x + αd;  r ← r − αAd;  "
               "β = r_newᵀr_new / rᵀr;  d ← r_new + βd;  stop when ‖r‖ ≤ tol·‖b‖")


@dataclass(frozen=True)
class _CGCase:
    label: str
    A: np.ndarray
    b: np.ndarray
    kwargs: dict
    exact_iterate: bool = False  # compare x with the reference's iterate (maxiter reached)


def _cg_cases(seed: int) -> list[_CGCase]:
    rng = np.random.default_rng(seed)
    cases = []
    n = int(rng.integers(6, 10))
    cases.append(_CGCase(f"for a {n} × {n} system with the default tol", spd(rng, n, 1.0, 50.0),
                         np.round(rng.uniform(-1, 1, n), 3), {}))
    n, k = 30, int(rng.integers(3, 6))
    Q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    A = (Q * rng.choice(np.linspace(1.0, 10.0, k), n)) @ Q.T
    cases.append(_CGCase(f"for a {n} × {n} system with {k} distinct eigenvalues (at most {k} steps)",
                         (A + A.T) / 2, rng.normal(size=n), {}))
    A = Quadratic.from_eigenvalues(np.geomspace(1.0, 100.0, 100), seed=int(rng.integers(1000))).A
    cases.append(_CGCase("for a 100 × 100 system with ‖b‖ ≫ 1 and tol = 1e-4", np.asarray(A),
                         1e4 * rng.normal(size=100), {"tol": 1e-4}))
    n = int(rng.integers(8, 12))
    A, b = spd(rng, n, 1.0, 20.0), rng.normal(size=n)
    cases.append(_CGCase("from a given x0", A, b, {"x0": rng.normal(size=n)}))
    cases.append(_CGCase("from an x0 that already solves the system (no iteration is needed)",
                         A, b, {"x0": np.linalg.solve(A, b)}))
    n = 12
    cases.append(_CGCase("for 3 iterations (maxiter = 3) from a given x0", spd(rng, n, 1.0, 30.0),
                         rng.normal(size=n), {"x0": rng.normal(size=n), "maxiter": 3}, exact_iterate=True))
    return cases


def _cg_verdict(case: _CGCase, x: np.ndarray, n_iter: int, reveal: bool) -> str | None:
    """What is wrong with the result (x, n_iter) of a case, or None (no numbers unless ``reveal``)."""
    x_ref, nit_ref = _cg_reference(case.A, case.b, **case.kwargs)
    if case.exact_iterate:
        if n_iter != nit_ref:
            return (f"returns n_iter = {n_iter} when it stops at maxiter = {nit_ref}" if reveal else
                    "returns an n_iter other than maxiter when it stops there")
        if not distance(x, x_ref) <= 1e-8:
            return f"returns a wrong x after {nit_ref} iterations (the iterates are not CG's)"
        return None
    tol = case.kwargs.get("tol", 1e-10)
    b_norm = float(np.linalg.norm(case.b))
    residual = float(np.linalg.norm(case.b - case.A @ x)) / b_norm if np.all(np.isfinite(x)) else np.inf
    if not residual <= 100 * tol:
        return "returns an x that does not solve Ax = b to the tolerance"
    margin = 0 if nit_ref == 0 else 1
    if abs(n_iter - nit_ref) > margin:
        if not reveal:
            return "takes another number of iterations than CG"
        return f"takes n_iter = {n_iter} iterations where CG takes {nit_ref}" + (" (±1)" if margin else "")
    return None


def _cg_call(fn: Callable, case: _CGCase, reveal: bool) -> tuple[np.ndarray, int]:
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    arrays = {"A": case.A.copy(), "b": case.b.copy()}
    if case.kwargs.get("x0") is not None:
        arrays["x0"] = case.kwargs["x0"].copy()
    before = {k: v.copy() for k, v in arrays.items()}
    kwargs = {**case.kwargs, **({"x0": arrays["x0"]} if "x0" in arrays else {})}
    text = "conjugate_gradient(A, b" + "".join(
        f", {k}={v!r}" if reveal and not isinstance(v, np.ndarray) else f", {k}={k}"
        for k, v in case.kwargs.items()) + ")"
    with calling("conjugate_gradient", text):
        result = fn(arrays["A"], arrays["b"], **kwargs)
    unchanged("conjugate_gradient", arrays, before)
    return solver_outputs("conjugate_gradient", result, len(case.b))


def _cg_diagnosis(case: _CGCase, x: np.ndarray, n_iter: int) -> Mistake | None:
    for mistake in CG_MISTAKES:
        with np.errstate(all="ignore"):
            x_m, n_m = mistake.implementation(case.A, case.b, **case.kwargs)
        if n_m == n_iter and distance(x, x_m) <= 1e-6:
            return mistake
    return None


def check_conjugate_gradient(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``conjugate_gradient(A, b, x0=None, tol=1e-10, maxiter=None) -> (x, n_iter)``.

    On random symmetric positive definite systems (float64): x must solve Ax = b to
    ‖b − Ax‖ ≤ 100·tol·‖b‖ and n_iter must match CG's count ±1 (exactly when x0 already
    solves the system); with ``maxiter = 3`` the iterate must be CG's third iterate.
    A failure names the mistake whose results the student's function reproduces.
    Parameters, errors: as :func:`check_exact_step`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    start("conjugate_gradient", fn, {"x0": None, "tol": 1e-10, "maxiter": None}, reveal)
    for case in _cg_cases(seed):
        x, n_iter = _cg_call(fn, case, reveal)
        verdict = _cg_verdict(case, x, n_iter, reveal)
        if verdict is None:
            continue
        lines = [f"conjugate_gradient {verdict}, {case.label}."]
        mistake = _cg_diagnosis(case, x, n_iter)
        lines.append(f"It looks like {mistake.diagnosis}." if mistake else
                     f"This matches none of the common mistakes the check knows; compare your code with "
                     f"{_CG_FORMULA}.")
        x_ref, nit_ref = _cg_reference(case.A, case.b, **case.kwargs)
        if reveal and len(case.b) > 12:
            # The residual is shown only where it is the fault: below the tolerance it is
            # rounding, whose digits depend on the machine.
            residual = np.linalg.norm(case.b - case.A @ x) / np.linalg.norm(case.b)
            solved = residual <= 100 * case.kwargs.get("tol", 1e-10)
            lines.append(f"Expected n_iter = {nit_ref}; got n_iter = {n_iter}"
                         + ("." if solved else f" and ‖b − Ax‖/‖b‖ = {residual:.3g}."))
        elif reveal:
            lines += [f"Example: A = {show(case.A)}", f"    b = {show(case.b)}",
                      *([f"    x0 = {show(case.kwargs['x0'])}"] if case.kwargs.get("x0") is not None else []),
                      f"  expected x = {show(x_ref)} after n_iter = {nit_ref}",
                      f"       got x = {show(x)} after n_iter = {n_iter}"]
        else:
            lines.append(HIDDEN_NOTE)
        raise CheckFailed("\n".join(lines), mistake_id("conjugate_gradient", mistake.slug if mistake else None))


__all__ = ["check_cg_iterations", "check_conjugate_gradient", "cg_iterations_exact"]
