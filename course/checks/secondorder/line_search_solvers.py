"""Checks of the line-search solvers of lecture 06: ``nonlinear_cg`` and ``bfgs``.

They take their steps with the provided :func:`course.linesearch.strong_wolfe`, whose
details (c₂, first trial step) are the student's choice and change every later
iterate. So the check follows the student's calls of ``strong_wolfe`` and verifies
each search direction against the rule applied to the student's own iterates:
d_t = −g_t + β_t d_{t−1} with Polak–Ribière's β (a restart d = −g allowed where PR
gives no descent, or β < 0, or every n steps), or d_k = −M_k g_k with M_k built by the
BFGS update from M₀ = I and the student's own pairs (s, y). A wrong direction is
compared with the directions the common mistakes would give at that step. Only what
rounding cannot decide is judged (issue 21): tolerances scale with the conditioning,
and a run is no longer judged once a line search failed at the rounding floor.
"""

from __future__ import annotations

import contextlib
import inspect
import sys
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import numpy as np

from course import linesearch
from course.bridge import Remote, replaced
from course.checks.common import HIDDEN_NOTE, calling, distance, show
from course.checks.failure import WRONG_SHAPE, CheckFailed, mistake_id
from course.checks.secondorder.bfgs_update import b_update, inverse_update, skipping
from course.checks.secondorder.shared import solver_outputs, spd, start, unchanged
from course.problems import Quadratic, Rosenbrock

# --- nonlinear_cg and bfgs: following the student's line searches --------------------


#: Largest distance between the student's search direction and the rule's, where
#: rounding allows no more (see ``DirectionRule.tolerance``).
DIRECTION_TOLERANCE = 1e-6

#: Unit round-off of float64, and how far beyond a first-order bound of the rounding
#: error of another order of operations (or another BLAS kernel) the checks still
#: accept a value or a decision.
EPS = float(np.finfo(np.float64).eps)
SAFETY = 1e3

#: Relative band around the stopping test ‖g‖ ≤ tol in which both stopping and going
#: on are accepted (the norm's rounding depends on how it is computed).
STOP_BAND = 1e-9


class _Stop(BaseException):
    """Ends a student's run at the first wrong step (a BaseException, so that a student's
    ``except Exception`` does not swallow it)."""


@dataclass(frozen=True)
class Problem:
    """An objective for the solver checks: f, its gradient and a start."""

    name: str
    objective: Any
    x0: np.ndarray

    def f(self, x: np.ndarray) -> float:
        return float(self.objective.value(np.asarray(x, dtype=np.float64)))

    def grad(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self.objective.grad(np.asarray(x, dtype=np.float64)), dtype=np.float64)


#: A known mistake of a solver's directions: the slug of its identifier and its diagnosis.
Named = tuple[str, str]


class DirectionRule:
    """How a method's search direction follows from what it has seen (see subclasses).

    ``accepted(k, g)`` returns the directions the method may take at step k, given the
    gradient g there: the rule's, and a restart d = −g where the method allows one or
    where rounding may decide for or against it; ``tolerance(k, g)`` how far the
    student's direction may be from one of them, scaled to the conditioning of the
    computation; ``learn(d, g, s, y)`` records step k (direction d, gradient g, step s,
    change of gradient y). ``candidates(k, g)`` maps the known mistakes (slug,
    diagnosis) to the directions they would take.
    """

    method: str
    formula: str

    def accepted(self, k: int, g: np.ndarray) -> list[np.ndarray]:
        raise NotImplementedError

    def tolerance(self, k: int, g: np.ndarray) -> float:
        return DIRECTION_TOLERANCE

    def candidates(self, k: int, g: np.ndarray) -> dict[Named, np.ndarray]:
        return {}

    def learn(self, d: np.ndarray, g: np.ndarray, s: np.ndarray, y: np.ndarray) -> None:
        raise NotImplementedError


_PR = "β = (g_t − g_{t−1})ᵀg_t / g_{t−1}ᵀg_{t−1}"


class PolakRibiere(DirectionRule):
    """d_t = −g_t + β_t d_{t−1}, β Polak–Ribière's; d₀ = −g₀; a restart d = −g where the
    PR direction is no descent direction, where β < 0 (PR+), every n steps, and where
    gᵀd is within rounding of 0 (either choice is then accepted)."""

    method = "nonlinear_cg"
    formula = f"d₀ = −g₀;  d_t = −g_t + β_t d_{{t−1}} with {_PR} (d = −g when that is no descent direction)"

    def __init__(self, n: int) -> None:
        self.n = n
        self.g_prev: np.ndarray | None = None
        self.d_prev: np.ndarray | None = None

    def _beta(self, g: np.ndarray) -> float:
        return float((g - self.g_prev) @ g) / float(self.g_prev @ self.g_prev)

    def _rounding(self, g: np.ndarray) -> float:
        """A first-order bound of the rounding error (in norm) of −g + β d_{t−1} computed
        in another order: β's numerator (g_t − g_{t−1})ᵀg_t cancels where g_t ≈ g_{t−1}."""
        gp, dp, n = self.g_prev, self.d_prev, g.size
        beta = self._beta(g)
        beta_error = n * EPS * (float((np.abs(g) + np.abs(gp)) @ np.abs(g)) / float(gp @ gp) + abs(beta))
        return SAFETY * (beta_error * float(np.linalg.norm(dp))
                         + EPS * (float(np.linalg.norm(g)) + abs(beta) * float(np.linalg.norm(dp))))

    def accepted(self, k: int, g: np.ndarray) -> list[np.ndarray]:
        if k == 0:
            return [-g]
        beta = self._beta(g)
        d = -g + beta * self.d_prev
        slope, slack = float(g @ d), float(np.linalg.norm(g)) * self._rounding(g)
        directions = [d] if slope < slack else []
        if slope > -slack or beta < 0 or k % self.n == 0:
            directions.append(-g)
        return directions

    def tolerance(self, k: int, g: np.ndarray) -> float:
        if k == 0:
            return DIRECTION_TOLERANCE
        d = -g + self._beta(g) * self.d_prev
        return max(DIRECTION_TOLERANCE, self._rounding(g) / max(float(np.linalg.norm(d)), np.finfo(float).tiny))

    def candidates(self, k: int, g: np.ndarray) -> dict[Named, np.ndarray]:
        if k == 0:
            return {}
        gp, dp, gg = self.g_prev, self.d_prev, float(self.g_prev @ self.g_prev)
        pr = self._beta(g)
        with np.errstate(all="ignore"):
            return {
                ("fletcher-reeves", "Fletcher–Reeves instead of Polak–Ribière: β = g_tᵀg_t / g_{t−1}ᵀg_{t−1}; "
                 f"Polak–Ribière's is {_PR}"): -g + float(g @ g) / gg * dp,
                ("beta-inverted", f"β is inverted; it is {_PR}"): -g + (1.0 / pr) * dp,
                ("beta-new-denominator", f"β is divided by the new g_tᵀg_t; it is {_PR}"):
                    -g + float((g - gp) @ g) / float(g @ g) * dp,
                ("beta-times-gradient", "β multiplies the previous gradient; it multiplies the previous "
                 "direction: d_t = −g_t + β_t d_{t−1}"): -g + pr * gp,
                ("beta-sign", "β has the wrong sign: d_t = −g_t + β_t d_{t−1}"): -g - pr * dp,
                ("steepest-descent", "the direction is −g_t at every step (steepest descent): the term "
                 "β_t d_{t−1} is missing"): -g,
                ("direction-sign", "the direction has the wrong sign: d_t = −g_t + β_t d_{t−1}"): g - pr * dp,
                ("no-restart", "no restart: where −g_t + β_t d_{t−1} is not a descent direction (gᵀd ≥ 0), "
                 "take d = −g_t"): -g + pr * dp,
            }

    def learn(self, d: np.ndarray, g: np.ndarray, s: np.ndarray, y: np.ndarray) -> None:
        self.g_prev, self.d_prev = g, d


def _bfgs_m(M: np.ndarray, s: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The inverse BFGS update, skipped when yᵀs ≤ 0 (here, not the reference's: the
    reference is disabled while the student's solver runs)."""
    return M if y @ s <= 0 else inverse_update(M, s, y, 1 / (y @ s))


class InverseBFGS(DirectionRule):
    """d_k = −M_k g_k with M₀ = I and M updated by :func:`bfgs_inverse_update` with the
    student's (s, y); the known mistakes keep their own M, built from the same pairs."""

    method = "bfgs"
    formula = ("M₀ = I;  d_k = −M_k g_k;  s = x_{k+1} − x_k, y = g_{k+1} − g_k;  "
               "M ← (I − ρ s yᵀ) M (I − ρ y sᵀ) + ρ s sᵀ with ρ = 1/(yᵀs) (skipped if yᵀs ≤ 0)")

    #: (slug, diagnosis) -> (update of the mistake's M, its direction from M and g)
    MISTAKES: dict[Named, tuple[Callable, Callable]] = {
        ("b-update", "d = −B g with B the Hessian approximation: the update of B, B + yyᵀ/yᵀs − BssᵀB/sᵀBs, is "
         "applied to M, or M is used as the Hessian (d = −M⁻¹g, the same directions); M approximates "
         "the inverse Hessian: d = −M g, with M ← (I − ρ s yᵀ) M (I − ρ y sᵀ) + ρ s sᵀ"):
            (skipping(b_update), lambda M, g: -M @ g),
        ("rho-s-s", "ρ = 1/(sᵀs) in the update; it is ρ = 1/(yᵀs)"):
            (skipping(lambda M, s, y: inverse_update(M, s, y, 1 / (s @ s))), lambda M, g: -M @ g),
        ("not-updated", "M is never updated (d = −g at every step: gradient descent). Assign the update to M, "
         "and take y = g_{k+1} − g_k: with the other sign yᵀs < 0 and every update is skipped"):
            (lambda M, s, y: M, lambda M, g: -g),
    }
    S_IS_D: Named = ("s-is-direction", "s is the direction d; it is the step actually taken, s = x_{k+1} − x_k = α d")

    def __init__(self, n: int) -> None:
        self.M = np.eye(n)
        self.updates = 0
        self.others = {named: np.eye(n) for named in self.MISTAKES}
        self.s_is_d = np.eye(n)

    def accepted(self, k: int, g: np.ndarray) -> list[np.ndarray]:
        return [-self.M @ g]

    def tolerance(self, k: int, g: np.ndarray) -> float:
        """Rounding of M built by k updates in another order grows with M's condition number."""
        return max(DIRECTION_TOLERANCE, SAFETY * EPS * float(np.linalg.cond(self.M)) * (self.updates + 1))

    def candidates(self, k: int, g: np.ndarray) -> dict[Named, np.ndarray]:
        with np.errstate(all="ignore"):
            found = {named: direction(self.others[named], g) for named, (_, direction) in self.MISTAKES.items()}
            found[self.S_IS_D] = -self.s_is_d @ g
        return found

    def learn(self, d: np.ndarray, g: np.ndarray, s: np.ndarray, y: np.ndarray) -> None:
        self.updates += bool(y @ s > 0)
        self.M = _bfgs_m(self.M, s, y)
        with np.errstate(all="ignore"):
            for named, (update, _) in self.MISTAKES.items():
                self.others[named] = update(self.others[named], s, y)
            self.s_is_d = _bfgs_m(self.s_is_d, d, y)


class _Spy:
    """Stands in for ``strong_wolfe`` while the student's solver runs: checks each call's
    point and direction against ``rule`` and the student's own iterates, then runs the
    real line search. The first wrong step is kept in ``failure`` (what is wrong, and the
    slug of the known mistake it is, or None) and ends the run.

    Only what rounding cannot decide is judged: each direction against what the
    student's own previous steps imply, never a trajectory against another. Once a line
    search has failed (α = 0: the bracket shrank below rounding), the run is at the
    rounding floor and its later directions are not judged; the solver may also stop
    there. A known mistake is named only if it explains every step of the run so far
    (restarts aside).
    """

    def __init__(self, problem: Problem, rule: DirectionRule, tol: float) -> None:
        self.problem, self.rule, self.tol = problem, rule, tol
        self.real = linesearch.strong_wolfe
        self.x = problem.x0.copy()
        self.steps = 0
        self.stalled = False
        self.explains: dict[Named, bool] = {}  # known mistake -> whether it explains every step so far
        self.failure: tuple[str, str | None] | None = None

    def fail(self, message: str, slug: str | None = None) -> None:
        self.failure = message, slug
        raise _Stop(message)

    def __call__(self, f: Callable, grad: Callable, x: Any, d: Any, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        k, method = self.steps, self.rule.method
        x, d = np.asarray(x, dtype=np.float64), np.asarray(d, dtype=np.float64)
        if x.shape != self.x.shape or d.shape != self.x.shape:
            self.fail(f"{method} called strong_wolfe with x or d not of the shape of x0", WRONG_SHAPE)
        if not distance(x, self.x) <= 1e-12:
            self.fail(f"the line search of iteration {k} does not start from the point the previous one "
                      "reached: move to x ← x + αd, the result's `.x`", "ignores-step")
        g = self.problem.grad(x)
        if np.linalg.norm(g) < self.tol * (1 - STOP_BAND):
            self.fail(f"{method} goes on after ‖g‖ ≤ tol: stop when ‖g‖ ≤ tol, before the next line search",
                      "no-stop")
        if not self.stalled:
            self._judge(k, g, d)
        result = self.real(f, grad, x, d, *args, **kwargs)
        if result.alpha > 0:
            self.rule.learn(d, g, result.x - x, self.problem.grad(result.x) - g)
            self.x = np.asarray(result.x, dtype=np.float64)
        else:
            self.stalled = True
        self.steps += 1
        return result

    def _judge(self, k: int, g: np.ndarray, d: np.ndarray) -> None:
        """Fail unless ``d`` is a direction the rule accepts at step k; keep track of the
        known mistakes that explain the run."""
        __tracebackhide__ = True
        tol = self.rule.tolerance(k, g)
        candidates = self.rule.candidates(k, g)
        if not any(distance(d, accepted) <= tol for accepted in self.rule.accepted(k, g)):
            self.fail(*self._wrong_direction(k, g, d, candidates, tol))
        if distance(d, -g) > tol:  # a restart d = −g says nothing: most mistakes restart too
            for named, candidate in candidates.items():
                self.explains[named] = self.explains.get(named, True) and distance(d, candidate) <= tol

    def _wrong_direction(self, k: int, g: np.ndarray, d: np.ndarray, candidates: dict[Named, np.ndarray],
                         tol: float) -> tuple[str, str | None]:
        """What is wrong with the direction ``d`` of step k, and the slug of the known
        mistake it is (the first, where several give the same direction), or None."""
        where = "the first search direction" if k == 0 else f"the search direction of iteration {k}"
        message = f"{where} is wrong"
        if k == 0 and distance(d, -g) > tol:
            return f"{message}: the first direction is steepest descent, d₀ = −g₀", "first-direction"
        found = [named for named, candidate in candidates.items()
                 if distance(d, candidate) <= tol and self.explains.get(named, True)]
        if found:  # several mistakes may give the same direction at this step
            return f"{message}. It looks like {'; or '.join(text for _, text in found)}", found[0][0]
        if g @ d >= 0:
            return (f"{message}: it is not a descent direction (gᵀd ≥ 0); compare with {self.rule.formula}",
                    None)
        return f"{message}; compare your code with {self.rule.formula}", None


@contextlib.contextmanager
def _spying(fn: Callable, spy: _Spy) -> Iterator[None]:
    """Replace ``strong_wolfe`` by ``spy`` in course.linesearch and wherever the student's
    namespace holds it (in the notebook's process while autograding); restore on exit."""
    if isinstance(fn, Remote):
        with fn._replaced("course.linesearch", "strong_wolfe", spy):
            yield
        return
    namespace = getattr(inspect.unwrap(fn), "__globals__", {})
    modules = dict.fromkeys(m for m in (linesearch, sys.modules.get("course.linesearch")) if m is not None)
    with contextlib.ExitStack() as stack:
        for module in modules:
            stack.enter_context(replaced(module, "strong_wolfe", spy, namespace))
        yield


def _follow(fn: Callable, problem: Problem, rule: DirectionRule, kwargs: dict,
            reveal: bool) -> tuple[str, str | None] | None:
    """Run the student's solver on ``problem`` with its line searches followed; what is
    wrong and the slug of the known mistake it is (or None), or None if nothing is."""
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    name = rule.method
    tol, maxiter = kwargs.get("tol", 1e-6), kwargs.get("maxiter", 2000)
    spy = _Spy(problem, rule, tol)
    x0 = problem.x0.copy()
    text = f"{name}(f, grad, x0" + "".join(f", {k}={v!r}" if reveal else f", {k}={k}" for k, v in kwargs.items()) + ")"
    result = None
    try:
        with calling(name, text), _spying(fn, spy):
            result = fn(problem.f, problem.grad, x0, **kwargs)
    except _Stop:
        pass
    if spy.failure:
        return spy.failure
    unchanged(name, {"x0": x0}, {"x0": problem.x0})
    x, n_iter = solver_outputs(name, result, len(x0))
    g_norm = float(np.linalg.norm(problem.grad(x))) if np.all(np.isfinite(x)) else np.inf
    if spy.steps == 0 and (n_iter > 0 or g_norm > tol):
        return (f"{name} never called the provided strong_wolfe: take every step with "
                "`step = strong_wolfe(f, grad, x, d)` and move to `step.x` (the check follows these calls)",
                "own-line-search")
    if not distance(x, spy.x) <= 1e-12:
        return f"{name} returns an x other than the point its last line search reached", "wrong-x-returned"
    if n_iter != spy.steps:
        counts = f" (n_iter = {n_iter} after {spy.steps} line searches)" if reveal else ""
        return (f"{name} returns a wrong n_iter{counts}: n_iter is the number of iterations (line searches) "
                "taken", "wrong-n-iter")
    if n_iter < maxiter and g_norm > tol * (1 + STOP_BAND) and not spy.stalled:
        return (f"{name} stops with ‖g‖ > tol before maxiter iterations: iterate until ‖g‖ ≤ tol or maxiter "
                "iterations", "stops-early")
    return None


def _problems(seed: int) -> list[tuple[Problem, dict]]:
    """Rosenbrock in 2 and 4 dimensions and an ill-conditioned quadratic, each with the
    keyword arguments of the call (the default tol, maxiter, or smaller ones)."""
    rng = np.random.default_rng(seed)
    start = np.array([-1.2, 1.0]) if seed == 0 else np.round(rng.uniform(-2, 2, 2), 2)
    n = int(rng.integers(6, 9))
    quadratic = Quadratic(spd(rng, n, 1.0, 100.0), np.round(rng.normal(size=n), 3))
    return [
        (Problem(f"Rosenbrock from x0 = {show(start)}", Rosenbrock(2), start), {}),
        (Problem(f"a {n}-dimensional quadratic with condition number up to 100", quadratic,
                 np.round(rng.normal(size=n), 3)), {"tol": 1e-8}),
        (Problem("4-dimensional Rosenbrock, stopped by maxiter", Rosenbrock(4),
                 np.round(rng.uniform(-1.5, 1.5, 4), 2)), {"maxiter": 15}),
    ]


def _check_line_search_solver(fn: Callable, rule_for: Callable[[int], DirectionRule], seed: int,
                              reveal: bool) -> None:
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    name = rule_for(2).method
    start(name, fn, {"tol": 1e-6, "maxiter": 2000}, reveal)
    for problem, kwargs in _problems(seed):
        verdict = _follow(fn, problem, rule_for(len(problem.x0)), kwargs, reveal)
        if verdict is not None:
            what, slug = verdict
            where = problem.name if reveal else "a test problem"
            tail = "" if reveal else f"\n{HIDDEN_NOTE}"
            raise CheckFailed(f"{name} on {where}: {what}.{tail}", mistake_id(name, slug))


def check_nonlinear_cg(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``nonlinear_cg(f, grad, x0, tol=1e-6, maxiter=2000) -> (x, n_iter)``.

    The solver must take its steps with the provided ``strong_wolfe`` (any c₁, c₂,
    first trial step): the check follows those calls and verifies every direction,
    d₀ = −g₀ and d_t = −g_t + β_t d_{t−1} with Polak–Ribière's β (d = −g is accepted
    where that is no descent direction, where β < 0, or every n steps), then the
    returned x, n_iter and stopping test. A wrong direction is named when it is one
    of the common mistakes (Fletcher–Reeves, β inverted, …).
    Parameters, errors: as :func:`check_exact_step`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    _check_line_search_solver(fn, PolakRibiere, seed, reveal)


def check_bfgs(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``bfgs(f, grad, x0, tol=1e-6, maxiter=2000) -> (x, n_iter)``.

    As :func:`check_nonlinear_cg`, with the directions d_k = −M_k g_k, M₀ = I and M
    updated by the inverse BFGS formula from the student's own steps s and changes of
    gradient y (skipped when yᵀs ≤ 0).
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    _check_line_search_solver(fn, InverseBFGS, seed, reveal)


__all__ = ["DIRECTION_TOLERANCE", "InverseBFGS", "PolakRibiere", "check_bfgs", "check_nonlinear_cg"]
