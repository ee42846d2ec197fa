"""Checks of lecture 09: ``continuation``, ``convexity_sigma`` and ``residual_backward``.

``continuation`` takes a gradient function: the check hands it ∇J_σ of blurred
landscapes of its own (sums of a bowl and cosines, whose blur is exact), written here in
NumPy so that it keeps working while the course's reference code is disabled, and
compares the end of the run and the end of every level with the reference's. The two
others go through :func:`~course.checks.common.verify` like the other exercises.
"""

from __future__ import annotations

import functools
import math
import numbers
from typing import Any, Callable

import numpy as np

from course.checks.common import DTYPES, Case, Exercise, Mistake, dtype_name, pick, verify
from course.checks.failure import CheckFailed
from course.checks.own_work import refuse_course_references
from course.strategies.networks import residual_backward as _residual_backward
from course.strategies.smoothing import continuation as _continuation
from course.strategies.smoothing import convexity_sigma as _convexity_sigma

# --- continuation ----------------------------------------------------------------------------


class BlurredGradient:
    """∇J_σ of J(θ) = ½ a ‖θ‖² − Σ_k b_k cos(ω_k·θ + φ_k), a landscape of ripples in a bowl:

        ∇J_σ(θ) = a θ + Σ_k b_k e^{−‖ω_k‖²σ²/2} sin(ω_k·θ + φ_k) ω_k,

    called as ``grad(theta, sigma)``; it returns an array of θ's shape and dtype. Its
    repr states the landscape, so that a revealed example can be rebuilt.
    """

    def __init__(self, a: float, amplitudes: np.ndarray, frequencies: np.ndarray, phases: np.ndarray) -> None:
        self.a = a
        self.amplitudes, self.frequencies, self.phases = amplitudes, frequencies, phases

    def __call__(self, theta: np.ndarray, sigma: float) -> np.ndarray:
        theta = np.asarray(theta)
        if theta.shape != (self.frequencies.shape[1],):
            raise ValueError(f"grad expects theta of shape ({self.frequencies.shape[1]},), got {theta.shape}")
        if not isinstance(sigma, numbers.Real) or not sigma >= 0:
            raise ValueError(f"grad expects a number sigma ≥ 0 as its second argument, got {sigma!r}")
        x = theta.astype(np.float64)
        damped = self.amplitudes * np.exp(-0.5 * float(sigma) ** 2 * np.sum(self.frequencies**2, axis=1))
        g = self.a * x + (damped * np.sin(self.frequencies @ x + self.phases)) @ self.frequencies
        return g.astype(theta.dtype)

    def __repr__(self) -> str:
        def angle(w: np.ndarray, p: float) -> str:
            product = f"{w[0]:g}θ" if len(w) == 1 else f"({', '.join(f'{v:g}' for v in w)})·θ"
            return f"{product} {'+' if p >= 0 else '−'} {abs(p):g}"

        terms = " ".join(f"− {b:g}·cos({angle(w, p)})" for b, w, p in zip(self.amplitudes, self.frequencies,
                                                                          self.phases))
        return f"∇J_σ of J(θ) = {self.a:g}/2·‖θ‖² {terms}"


def _landscape(rng: np.random.Generator, dim: int, ripples: int, omega: tuple[float, float]) -> BlurredGradient:
    return BlurredGradient(
        pick(rng, 0.3, 0.8, 2),
        np.round(rng.uniform(0.3, 1.0, ripples), 2),
        np.round(rng.uniform(*omega, (ripples, dim)) * rng.choice([-1.0, 1.0], (ripples, dim)), 2),
        np.round(rng.uniform(-1.0, 1.0, ripples), 2),
    )


class _BadEnds(TypeError):
    """``ends`` is not a list of one array per level, of x0's shape and dtype."""


def _stacked_ends(fn: Callable) -> Callable:
    """``fn`` returning ``(x, ends)`` with ends stacked into one (levels, …) array, for
    :func:`verify` to compare; a result of another form passes unchanged (verify names
    it), ends of the wrong length, shapes or dtypes raise :class:`_BadEnds`. The wrapper
    keeps ``fn`` as its ``__wrapped__``, so that the check of the student's own work
    looks at the student's code."""

    @functools.wraps(fn)
    def stacked(grad: Any, x0: np.ndarray, sigmas: np.ndarray, lr: float, steps: int) -> Any:
        result = fn(grad, x0, sigmas, lr, steps)
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            return result
        x, ends = result
        if not isinstance(ends, (list, tuple, np.ndarray)):
            raise _BadEnds(f"continuation must return ends as a list of arrays, one per level, got "
                           f"{type(ends).__name__}.")
        if len(ends) != len(sigmas):
            raise _BadEnds(f"continuation returned {len(ends)} ends for {len(sigmas)} levels σ; ends holds the "
                           "end of each level (in the order of sigmas), not the start x0 nor every step.")
        for i, end in enumerate(ends):
            if not isinstance(end, np.ndarray) or end.shape != x0.shape or end.dtype != x0.dtype:
                got = (f"{type(end).__name__}" if not isinstance(end, np.ndarray)
                       else f"an array of shape {end.shape} and dtype {end.dtype}")
                raise _BadEnds(f"ends[{i}] must be an array of x0's shape {x0.shape} and dtype {x0.dtype}, got {got}.")
        return x, np.stack(ends)

    return stacked


def _restart(grad: Callable, x0: np.ndarray, sigmas: np.ndarray, lr: float, steps: int) -> tuple:
    ends = []
    for sigma in sigmas:
        x = x0
        for _ in range(steps):
            x = x - lr * grad(x, sigma)
        ends.append(x)
    return ends[-1], ends


def _levels(order: Callable[[np.ndarray], Any] = lambda s: s,
            step: Callable[[np.ndarray, np.ndarray, float], np.ndarray] = lambda x, g, lr: x - lr * g,
            count: Callable[[int], int] = lambda steps: steps, record: str = "end",
            sigma_used: Callable[[np.ndarray, float], float] = lambda sigmas, s: s) -> Callable:
    """Continuation with one thing changed: the order of the levels, the step, the number of
    steps per level, what ``ends`` records, or the σ given to grad."""

    def run(grad: Callable, x0: np.ndarray, sigmas: np.ndarray, lr: float, steps: int) -> tuple:
        x, ends = x0, []
        for sigma in order(sigmas):
            start = x
            for _ in range(count(steps)):
                x = step(x, grad(x, sigma_used(sigmas, sigma)), lr)
            ends.append(start if record == "start" else x)
        if record == "same":
            ends = [x] * len(ends)
        return x, ends

    return run


CONTINUATION = Exercise(
    name="continuation",
    params=("grad", "x0", "sigmas", "lr", "steps"),
    outputs=("x", "ends"),
    reference=_continuation,
    formula="for σ in sigmas (in order): `steps` steps θ ← θ − ε ∇J_σ(θ) from where the previous level ended "
            "(the first from x0); ends = [the end of each level], x = ends[-1]",
    # ends (stacked by the wrapper) has no parameter's shape: only x must be shaped like x0.
    shaped_like=("x0", "ends"),
    exception_hint=lambda exc: (("grad takes two arguments: grad(theta, sigma).", "grad-arguments")
                                if isinstance(exc, TypeError) and "sigma" in str(exc) else None),
    mistakes=(
        Mistake("each level restarts from x0: continuation starts each level where the previous one ended "
                "(a warm start), only the first from x0", _restart, slug='no-warm-start'),
        Mistake("every entry of ends is the same array, changed in place after it was appended (x -= ...): "
                "append a copy, or make a new array at each step (x = x − ε g)", _levels(record="same"), slug='aliased-ends'),
        Mistake("ends holds the start of each level, not its end", _levels(record="start"), slug='ends-are-starts'),
        Mistake("the levels are taken sorted from the largest σ to the smallest; use them in the order given",
                _levels(order=lambda s: sorted(s, reverse=True)), slug='sorted-levels'),
        Mistake("the step climbs: θ ← θ + ε ∇J_σ(θ); gradient descent subtracts the gradient",
                _levels(step=lambda x, g, lr: x + lr * g), slug='ascent'),
        Mistake("each level takes steps − 1 steps; take `steps` steps per level (range(steps))",
                _levels(count=lambda steps: steps - 1), slug='steps-minus-one'),
        Mistake("each level takes steps + 1 steps; take `steps` steps per level (range(steps))",
                _levels(count=lambda steps: steps + 1), slug='steps-plus-one'),
        Mistake("grad is called with the first σ at every level; level i descends on J_σᵢ, grad(θ, sigmas[i])",
                _levels(sigma_used=lambda sigmas, s: sigmas[0]), slug='first-sigma-only'),
        Mistake("grad is called with σ = 0 at every level: that is plain gradient descent on J; level i "
                "descends on J_σᵢ, grad(θ, sigmas[i])", _levels(sigma_used=lambda sigmas, s: 0.0), slug='ignores-sigma'),
    ),
)


def _continuation_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    sigmas = lambda *values: np.array(values, dtype=np.float64)  # noqa: E731
    return [
        Case("on a 1-D landscape with decreasing σ in float64",
             (_landscape(rng, 1, 2, (1.5, 3.0)), np.round(rng.uniform(1.5, 2.5, 1), 2),
              sigmas(1.5, pick(rng, 0.6, 0.9, 2), pick(rng, 0.2, 0.4, 2), 0.0), pick(rng, 0.04, 0.08), 8)),
        Case("on a 2-D landscape with decreasing σ in float64",
             (_landscape(rng, 2, 3, (1.0, 2.5)), np.round(rng.uniform(-2.0, 2.0, 2), 2),
              sigmas(pick(rng, 1.0, 1.5, 2), pick(rng, 0.3, 0.6, 2), 0.0), pick(rng, 0.03, 0.06), 10)),
        Case("on a 2-D landscape in float32",
             (_landscape(rng, 2, 2, (0.8, 1.6)), np.round(rng.uniform(-2.0, 2.0, 2), 2).astype(np.float32),
              sigmas(pick(rng, 0.8, 1.2, 2), pick(rng, 0.2, 0.5, 2), 0.0), pick(rng, 0.02, 0.04), 4),
             dtype=np.float32),
        Case("with σ levels that are not in decreasing order",
             (_landscape(rng, 2, 2, (1.0, 2.0)), np.round(rng.uniform(-2.0, 2.0, 2), 2),
              sigmas(pick(rng, 0.2, 0.4, 2), pick(rng, 1.0, 1.5, 2), pick(rng, 0.5, 0.8, 2), 0.0),
              pick(rng, 0.03, 0.06), 6)),
        Case("with a single level",
             (_landscape(rng, 3, 2, (1.0, 2.0)), np.round(rng.uniform(-1.5, 1.5, 3), 2),
              sigmas(pick(rng, 0.3, 0.8, 2)), pick(rng, 0.03, 0.06), 7)),
        Case("with one step per level",
             (_landscape(rng, 2, 2, (1.0, 2.0)), np.round(rng.uniform(-1.5, 1.5, 2), 2),
              sigmas(1.0, pick(rng, 0.3, 0.6, 2), 0.0), pick(rng, 0.05, 0.1), 1)),
    ]


def check_continuation(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``continuation(grad, x0, sigmas, lr, steps) -> (x, ends)``.

    For each σ of ``sigmas`` in the order given, ``steps`` steps θ ← θ − ε ∇J_σ(θ)
    (``grad(θ, σ)``), each level starting where the previous one ended; ``ends`` is the
    list of the ends of the levels (new arrays), ``x`` the last. Compared with
    :func:`course.strategies.smoothing.continuation` on landscapes of ripples in a bowl
    in 1, 2 and 3 dimensions, float64 and float32, σ decreasing and not, one level, one
    step per level. A failure names the mistake the student's values reproduce (no warm
    start, aliased ends, the wrong order of the levels, …).

    Parameters
    ----------
    fn : callable
        The student's function.
    seed : int
        Seed of the random inputs (hidden tests use their own).
    reveal : bool
        Whether a failure may show an example with inputs and expected values.

    Raises
    ------
    CheckFailed
        An AssertionError saying what is wrong and which common mistake it looks like.
    NotImplementedError
        Unchanged, while the exercise is not done.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    if not callable(fn):
        raise CheckFailed(f"pass your function continuation itself, got {type(fn).__name__}")
    refuse_course_references(fn)  # on the function itself: while autograding, the wrapper below hides it
    try:
        verify(CONTINUATION, _stacked_ends(fn), _continuation_cases(seed), reveal)
    except CheckFailed as failure:
        if isinstance(failure.__cause__, _BadEnds):
            raise CheckFailed(str(failure.__cause__)) from None
        raise


# --- convexity_sigma -------------------------------------------------------------------------


def _sigma_star(factor: float = 2.0, power: float = 2.0, divide: float = 1.0,
                root: bool = True) -> Callable[[float, float, float], float]:
    """√(factor · ln(b ω^power / a)) / ω^divide (without the root if not ``root``), 0 when convex."""

    def wrong(a: float, b: float, omega: float) -> float:
        ratio = b * omega**power / a
        if ratio <= 1:
            return 0.0
        inner = factor * math.log(ratio)
        return (math.sqrt(inner) if root else inner) / omega**divide

    return wrong


def _no_floor(a: float, b: float, omega: float) -> float:
    """The formula without the case bω² ≤ a: a NaN (np.sqrt of a negative number) there."""
    with np.errstate(invalid="ignore"):
        return float(np.sqrt(2.0 * np.log(b * omega**2 / a)) / omega)


CONVEXITY = Exercise(
    name="convexity_sigma",
    params=("a", "b", "omega"),
    outputs=("sigma",),
    reference=_convexity_sigma,
    formula="J_σ'' = a + b ω² e^{−ω²σ²/2} cos(ωθ) ≥ 0 for all θ  ⟺  σ ≥ √(2 ln(b ω²/a)) / ω (0 if b ω² ≤ a)",
    scalar=True,
    exception_hint=lambda exc: (
        ("When b ω² ≤ a, J is convex already and the answer is σ = 0; take the logarithm's square root only "
         "when b ω²/a > 1.", "no-convex-case") if isinstance(exc, (ValueError, ZeroDivisionError)) else None),
    mistakes=(
        Mistake("the factor 2 is missing: e^{−ω²σ²/2} ≤ a/(bω²) gives ω²σ²/2 ≥ ln(bω²/a), "
                "σ = √(2 ln(bω²/a))/ω", _sigma_star(factor=1.0), slug='missing-two'),
        Mistake("it uses b ω instead of b ω²: the second derivative of b cos(ωθ) is −b ω² cos(ωθ)",
                _sigma_star(power=1.0), slug='omega-not-squared'),
        Mistake("it uses b instead of b ω²: J_σ'' = a + b ω² e^{−ω²σ²/2} cos(ωθ), the curvature of the "
                "ripple grows with ω²", _sigma_star(power=0.0), slug='no-omega-squared'),
        Mistake("the division by ω is missing: ω²σ²/2 ≥ ln(bω²/a) gives σ = √(2 ln(bω²/a))/ω",
                _sigma_star(divide=0.0), slug='no-division'),
        Mistake("it returns σ², not σ: the square root is missing", _sigma_star(root=False, divide=2.0), slug='returns-square'),
        Mistake("a and b are swapped: the ripple's curvature b ω² must fall below the bowl's a, "
                "σ = √(2 ln(bω²/a))/ω", lambda a, b, omega: _convexity_sigma(b, a, omega), slug='swapped-a-b'),
        Mistake("when b ω² ≤ a, J is convex already and σ* = 0; here the logarithm is negative", _no_floor, slug='no-convex-case'),
    ),
)


def _convexity_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for what, low, high in (("barely", 1.2, 3.0), ("clearly", 5.0, 40.0), ("very", 100.0, 2000.0)):
        a, omega = pick(rng, 0.2, 2.0, 2), pick(rng, 1.5, 8.0, 2)
        b = round(float(rng.uniform(low, high)) * a / omega**2, 4)
        cases.append(Case(f"for a landscape that is {what} non-convex (b ω²/a ≫ 1 or near 1)", (a, b, omega)))
    a, omega = pick(rng, 1.0, 3.0, 2), pick(rng, 0.5, 1.5, 2)
    cases.append(Case("for a landscape that is convex already (b ω² < a)",
                      (a, round(float(rng.uniform(0.2, 0.8)) * a / omega**2, 4), omega)))
    a, omega = pick(rng, 0.2, 1.0, 2), pick(rng, 0.3, 0.8, 2)
    cases.append(Case("for a slow ripple, ω < 1", (a, round(float(rng.uniform(3.0, 10.0)) * a / omega**2, 4), omega)))
    return cases


def check_convexity_sigma(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``convexity_sigma(a, b, omega) -> float``: the smallest σ from which
    J_σ of J(θ) = ½ a θ² − b cos(ωθ) is convex, √(2 ln(bω²/a))/ω, or 0 when bω² ≤ a.
    Parameters, errors: as :func:`check_continuation`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    verify(CONVEXITY, fn, _convexity_cases(seed), reveal)


# --- residual_backward -----------------------------------------------------------------------


def _mask(h: np.ndarray, W: np.ndarray) -> np.ndarray:
    return (h @ W > 0).astype(h.dtype)


RESIDUAL = Exercise(
    name="residual_backward",
    params=("h", "W", "dout"),
    outputs=("dh", "dW"),
    reference=_residual_backward,
    formula="D = 1[hW > 0];  dh = dout + (dout ⊙ D) Wᵀ;  dW = hᵀ (dout ⊙ D)",
    shaped_like=("h", "W"),
    mistakes=(
        Mistake("the skip connection's term is missing from dh: h reaches h_out directly too, so "
                "dh = dout + (dout ⊙ D) Wᵀ",
                lambda h, W, dout: ((dout * _mask(h, W)) @ W.T, h.T @ (dout * _mask(h, W))), slug='no-skip'),
        Mistake("W is not transposed: the gradient flows back through Wᵀ, dh = dout + (dout ⊙ D) Wᵀ",
                lambda h, W, dout: (dout + (dout * _mask(h, W)) @ W, h.T @ (dout * _mask(h, W))), slug='not-transposed'),
        Mistake("the relu's mask D = 1[hW > 0] is missing: relu'(a) is 0 where a = hW ≤ 0",
                lambda h, W, dout: (dout + dout @ W.T, h.T @ dout), slug='no-mask'),
        Mistake("the mask is missing in dW: dW = hᵀ (dout ⊙ D)",
                lambda h, W, dout: (dout + (dout * _mask(h, W)) @ W.T, h.T @ dout), slug='mask-missing-in-dw'),
        Mistake("the mask is taken from the block's output h + relu(hW) > 0; relu' depends on its input, "
                "D = 1[hW > 0]",
                lambda h, W, dout: (dout + (dout * (h + np.maximum(h @ W, 0) > 0)) @ W.T,
                                    h.T @ (dout * (h + np.maximum(h @ W, 0) > 0))), slug='mask-from-output'),
        Mistake("dW uses the block's output h_out = h + relu(hW); W multiplies the block's input: "
                "dW = hᵀ (dout ⊙ D)",
                lambda h, W, dout: (dout + (dout * _mask(h, W)) @ W.T,
                                    (h + np.maximum(h @ W, 0)).T @ (dout * _mask(h, W))), slug='dw-from-output'),
    ),
)


def _residual_inputs(rng: np.random.Generator, batch: int, width: int, dtype: Any,
                     dead: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """h, W, dout rounded to three decimals, with every |hW| ≥ 0.01 (so that no rounding
    can flip the relu's mask)."""
    while True:
        h = np.round(rng.uniform(-1.5, 1.5, (batch, width)), 3)
        W = np.round(rng.uniform(-1.0, 1.0, (width, width)), 3)
        if dead:  # every unit off: hW < 0 everywhere
            h, W = np.abs(h) + 0.1, -np.abs(W) - 0.1
        if np.min(np.abs(h @ W)) >= 0.01:
            break
    dout = np.round(rng.uniform(-1.0, 1.0, (batch, width)), 3)
    return h.astype(dtype), W.astype(dtype), dout.astype(dtype)


def _residual_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for dtype in DTYPES:
        name = dtype_name(dtype)
        cases.append(Case(f"for a batch of 5 rows of width 3 in {name}", _residual_inputs(rng, 5, 3, dtype),
                          dtype=dtype))
        cases.append(Case(f"for a batch of 4 rows of width 6 in {name}", _residual_inputs(rng, 4, 6, dtype),
                          dtype=dtype))
    cases.append(Case("where every relu is off (hW < 0)", _residual_inputs(rng, 3, 4, np.float64, dead=True)))
    return cases


def check_residual_backward(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``residual_backward(h, W, dout) -> (dh, dW)``, the backward pass of
    h_out = h + relu(hW): dh = dout + (dout ⊙ D) Wᵀ and dW = hᵀ (dout ⊙ D) with D = 1[hW > 0].
    Parameters, errors: as :func:`check_continuation`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    verify(RESIDUAL, fn, _residual_cases(seed), reveal)


__all__ = ["BlurredGradient", "check_continuation", "check_convexity_sigma", "check_residual_backward"]
