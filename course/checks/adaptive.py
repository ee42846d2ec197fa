"""Checks of lecture 05: ``adagrad_step``, ``rmsprop_step``, ``uncorrected_step_length`` and ``adam_step``.

Where δ sits (inside or outside the square root) changes the result by only
about 1e-10 for ordinary gradients, so every check also runs steps with tiny
gradients (1e-8 to 1e-6) and with a large δ passed explicitly.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from course import optim
from course.checks.common import (
    DTYPES,
    Case,
    Exercise,
    Mistake,
    draw,
    draw_tiny,
    dtype_name,
    pick,
    verify,
)

_SHAPE = (5,)
_STEPS = 20


def _grads(rng: np.random.Generator, dtype: type, tiny: bool = False) -> list[np.ndarray]:
    """A fixed sequence of gradients for a run of steps."""
    return [draw_tiny(rng, _SHAPE, dtype) if tiny else draw(rng, _SHAPE, dtype, 0.1, 2.0)
            for _ in range(_STEPS)]


# --- adagrad_step -------------------------------------------------------------------

ADAGRAD = Exercise(
    name="adagrad_step",
    params=("theta", "r", "g", "lr", "delta"),
    outputs=("theta", "r"),
    reference=optim.adagrad_step,
    formula="r ← r + g ⊙ g;  θ ← θ − ε / (δ + √r) ⊙ g",
    mistakes=(
        Mistake("δ is inside the square root; AdaGrad divides by δ + √r (δ outside the root)",
                lambda theta, r, g, lr, delta=1e-7: (theta - lr / np.sqrt(delta + r + g * g) * g, r + g * g),
                slug="delta-inside-sqrt"),
        Mistake("r is not accumulated: r ← r + g ⊙ g sums the squares of all past gradients, not only "
                "the current one",
                lambda theta, r, g, lr, delta=1e-7: (theta - lr / (delta + np.abs(g)) * g, g * g),
                slug="not-accumulated"),
        Mistake("the square root is missing: divide by δ + √r, not δ + r",
                lambda theta, r, g, lr, delta=1e-7: (theta - lr / (delta + r + g * g) * g, r + g * g),
                slug="no-sqrt"),
        Mistake("r is updated after the step: first r ← r + g ⊙ g, then the step with the new r",
                lambda theta, r, g, lr, delta=1e-7: (theta - lr / (delta + np.sqrt(r)) * g, r + g * g),
                slug="r-updated-after-step"),
        Mistake("the updated r is not returned (it returns the old r)",
                lambda theta, r, g, lr, delta=1e-7: (theta - lr / (delta + np.sqrt(r + g * g)) * g, r),
                slug="old-r-returned"),
        Mistake("r sums |g| and the step divides by r: that step does not depend on the scale of g either, but it "
                "shrinks like 1/t, not 1/√t; AdaGrad sums the squares, r ← r + g ⊙ g, and divides by δ + √r",
                lambda theta, r, g, lr, delta=1e-7: (theta - lr / (delta + r + np.abs(g)) * g, r + np.abs(g)),
                slug="sums-absolute-values"),
    ),
)


def _adagrad_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for dtype in DTYPES:
        name = dtype_name(dtype)
        cases.append(Case(
            f"for one step from a nonzero r in {name}",
            (draw(rng, _SHAPE, dtype), draw(rng, _SHAPE, dtype, 0.1, 2.0, signed=False),
             draw(rng, _SHAPE, dtype), pick(rng, 0.01, 0.5)), {"delta": 1e-7}, dtype=dtype))
        cases.append(Case(
            f"for a first step (r = 0) with tiny gradients and the default δ in {name}",
            (draw(rng, _SHAPE, dtype), np.zeros(_SHAPE, dtype), draw_tiny(rng, _SHAPE, dtype),
             pick(rng, 0.05, 0.2)), dtype=dtype))
        cases.append(Case(
            f"for one step with a large δ passed explicitly in {name}",
            (draw(rng, _SHAPE, dtype), draw(rng, _SHAPE, dtype, 0.01, 0.5, signed=False),
             draw(rng, _SHAPE, dtype, 0.1, 1.0), pick(rng, 0.05, 0.5)), {"delta": 0.1}, dtype=dtype))
        grads = _grads(rng, dtype)
        cases.append(Case(
            f"for a run of steps from r = 0 in {name}",
            (draw(rng, _SHAPE, dtype), np.zeros(_SHAPE, dtype), grads[0], pick(rng, 0.05, 0.2)),
            {"delta": 1e-7}, dtype=dtype, steps=_STEPS,
            advance=lambda k, args, out, grads=grads: (*out, grads[k], args[3])))
    return cases


def check_adagrad_step(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``adagrad_step(theta, r, g, lr, delta=1e-7) -> (theta, r)``.

    r ← r + g ⊙ g;  θ ← θ − ε / (δ + √r) ⊙ g.

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
    verify(ADAGRAD, fn, _adagrad_cases(seed), reveal)


# --- rmsprop_step -------------------------------------------------------------------


def _rms(theta, r, g, lr, rho, delta, *, decay=None, inside=True, root=True, step_r=None, keep_r=False):
    """RMSProp with one thing changed: the new r, where δ goes, the root, which r the step uses."""
    new_r = rho * r + (1 - rho) * (g * g) if decay is None else decay(r, g)
    used = new_r if step_r is None else step_r
    if not root:
        denom = delta + used
    else:
        denom = np.sqrt(delta + used) if inside else delta + np.sqrt(used)
    return theta - lr / denom * g, (r if keep_r else new_r)


RMSPROP = Exercise(
    name="rmsprop_step",
    params=("theta", "r", "g", "lr", "rho", "delta"),
    outputs=("theta", "r"),
    reference=optim.rmsprop_step,
    formula="r ← ρ r + (1 − ρ) g ⊙ g;  θ ← θ − ε / √(δ + r) ⊙ g",
    mistakes=(
        Mistake("δ is outside the square root; the course follows the book, ε / √(δ + r) (δ inside the root)",
                lambda theta, r, g, lr, rho=0.9, delta=1e-6: _rms(theta, r, g, lr, rho, delta, inside=False),
                slug="delta-outside-sqrt"),
        Mistake("ρ and 1 − ρ are swapped: r ← ρ r + (1 − ρ) g ⊙ g keeps most of the old average",
                lambda theta, r, g, lr, rho=0.9, delta=1e-6: _rms(
                    theta, r, g, lr, rho, delta, decay=lambda r, g: (1 - rho) * r + rho * g * g), slug="rho-swapped"),
        Mistake("r is not updated: return the new average r ← ρ r + (1 − ρ) g ⊙ g (and use it in the step)",
                lambda theta, r, g, lr, rho=0.9, delta=1e-6: _rms(theta, r, g, lr, rho, delta, keep_r=True),
                slug="r-not-updated"),
        Mistake("r is not updated: return the new average r ← ρ r + (1 − ρ) g ⊙ g (and use it in the step)",
                lambda theta, r, g, lr, rho=0.9, delta=1e-6: _rms(
                    theta, r, g, lr, rho, delta, step_r=r, keep_r=True), slug="r-not-updated"),
        Mistake("r is updated after the step: first the new r, then the step with it",
                lambda theta, r, g, lr, rho=0.9, delta=1e-6: _rms(theta, r, g, lr, rho, delta, step_r=r),
                slug="r-updated-after-step"),
        Mistake("the square root is missing: divide by √(δ + r)",
                lambda theta, r, g, lr, rho=0.9, delta=1e-6: _rms(theta, r, g, lr, rho, delta, root=False),
                slug="no-sqrt"),
        Mistake("the factor 1 − ρ is missing: r ← ρ r + (1 − ρ) g ⊙ g",
                lambda theta, r, g, lr, rho=0.9, delta=1e-6: _rms(
                    theta, r, g, lr, rho, delta, decay=lambda r, g: rho * r + g * g), slug="missing-one-minus-rho"),
        Mistake("the newest squared gradient gets the weight (1 − ρ)ρ: in r_t = (1 − ρ) Σ_k ρ^(t−k) g_k ⊙ g_k the "
                "newest (k = t) has weight 1 − ρ, so r ← ρ r + (1 − ρ) g ⊙ g, not ρ (r + (1 − ρ) g ⊙ g)",
                lambda theta, r, g, lr, rho=0.9, delta=1e-6: _rms(
                    theta, r, g, lr, rho, delta, decay=lambda r, g: rho * (r + (1 - rho) * g * g)),
                slug="newest-weight-rho"),
    ),
)


def _rmsprop_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for dtype in DTYPES:
        name = dtype_name(dtype)
        cases.append(Case(
            f"for one step from a nonzero r in {name}",
            (draw(rng, _SHAPE, dtype), draw(rng, _SHAPE, dtype, 0.1, 2.0, signed=False),
             draw(rng, _SHAPE, dtype), pick(rng, 0.01, 0.3)),
            {"rho": pick(rng, 0.8, 0.99, 2), "delta": 1e-6}, dtype=dtype))
        cases.append(Case(
            f"for a first step (r = 0) with tiny gradients, called without rho and delta, in {name}",
            (draw(rng, _SHAPE, dtype), np.zeros(_SHAPE, dtype), draw_tiny(rng, _SHAPE, dtype),
             pick(rng, 0.05, 0.2)), dtype=dtype))
        cases.append(Case(
            f"for one step with tiny gradients from a tiny nonzero r in {name}",
            (draw(rng, _SHAPE, dtype), np.abs(draw_tiny(rng, _SHAPE, np.float64) ** 2).astype(dtype),
             draw_tiny(rng, _SHAPE, dtype), pick(rng, 0.05, 0.2)),
            {"rho": pick(rng, 0.8, 0.99, 2), "delta": 1e-6}, dtype=dtype))
        cases.append(Case(
            f"for one step with a large δ passed explicitly in {name}",
            (draw(rng, _SHAPE, dtype), draw(rng, _SHAPE, dtype, 0.01, 0.5, signed=False),
             draw(rng, _SHAPE, dtype, 0.1, 1.0), pick(rng, 0.05, 0.5)),
            {"rho": pick(rng, 0.8, 0.99, 2), "delta": 0.1}, dtype=dtype))
        grads = _grads(rng, dtype)
        cases.append(Case(
            f"for a run of steps from r = 0 in {name}",
            (draw(rng, _SHAPE, dtype), np.zeros(_SHAPE, dtype), grads[0], pick(rng, 0.005, 0.05)),
            {"rho": pick(rng, 0.8, 0.99, 2), "delta": 1e-6}, dtype=dtype, steps=_STEPS,
            advance=lambda k, args, out, grads=grads: (*out, grads[k], args[3])))
    return cases


def check_rmsprop_step(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``rmsprop_step(theta, r, g, lr, rho=0.9, delta=1e-6) -> (theta, r)``.

    r ← ρ r + (1 − ρ) g ⊙ g;  θ ← θ − ε / √(δ + r) ⊙ g  (δ inside the root, as in the book).
    Parameters, errors: as :func:`check_adagrad_step`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    verify(RMSPROP, fn, _rmsprop_cases(seed), reveal)


# --- adam_step ----------------------------------------------------------------------


def _adam(theta, s, r, g, t, lr, rho1, rho2, delta, *, t_s=None, t_r=None, inside=False,
          correct=True, swap_moments=False, store_corrected=False):
    """Adam with one thing changed: the t of the bias correction, δ, the moments, the state."""
    s_new = rho1 * s + (1 - rho1) * (g * g if swap_moments else g)
    r_new = rho2 * r + (1 - rho2) * (g if swap_moments else g * g)
    s_hat = s_new / (1 - rho1 ** (t if t_s is None else t_s)) if correct else s_new
    r_hat = r_new / (1 - rho2 ** (t if t_r is None else t_r)) if correct else r_new
    denom = np.sqrt(r_hat + delta) if inside else np.sqrt(r_hat) + delta
    theta = theta - lr * s_hat / denom
    return (theta, s_hat, r_hat) if store_corrected else (theta, s_new, r_new)


def _adam_mistake(**change):
    def adam_step(theta, s, r, g, t, lr=1e-3, rho1=0.9, rho2=0.999, delta=1e-8):
        if change.get("swap_rhos"):
            rho1, rho2 = rho2, rho1
        options = {key: value(t) if callable(value) else value
                   for key, value in change.items() if key != "swap_rhos"}
        return _adam(theta, s, r, g, t, lr, rho1, rho2, delta, **options)

    return adam_step


_ZERO_BASED = ("the bias correction uses t − 1 (a 0-based t); t is 1-based, t = 1 on the first step, "
               "and 1 − ρ⁰ = 0 divides by zero")


def _adam_paper_efficient_form(theta, s, r, g, t, lr=1e-3, rho1=0.9, rho2=0.999, delta=1e-8):
    s = rho1 * s + (1 - rho1) * g
    r = rho2 * r + (1 - rho2) * (g * g)
    step = lr * np.sqrt(1 - rho2**t) / (1 - rho1**t)
    return theta - step * s / (np.sqrt(r) + delta), s, r


def _adam_exception_hint(exc: BaseException) -> tuple[str, str] | None:
    if isinstance(exc, ZeroDivisionError):
        return f"It looks like {_ZERO_BASED}.", "zero-based-t"
    return None


ADAM = Exercise(
    name="adam_step",
    params=("theta", "s", "r", "g", "t", "lr", "rho1", "rho2", "delta"),
    outputs=("theta", "s", "r"),
    reference=optim.adam_step,
    formula="s ← ρ₁ s + (1 − ρ₁) g;  r ← ρ₂ r + (1 − ρ₂) g ⊙ g;  ŝ = s / (1 − ρ₁ᵗ);  "
            "r̂ = r / (1 − ρ₂ᵗ);  θ ← θ − ε ŝ / (√r̂ + δ)",
    exception_hint=_adam_exception_hint,
    mistakes=(
        Mistake("Adam without bias correction: divide s by 1 − ρ₁ᵗ and r by 1 − ρ₂ᵗ "
                "before the step", _adam_mistake(correct=False), slug="no-bias-correction"),
        Mistake("δ is inside the square root; Adam divides by √r̂ + δ (δ outside the root)",
                _adam_mistake(inside=True), slug="delta-inside-sqrt"),
        Mistake(_ZERO_BASED, _adam_mistake(t_s=lambda t: t - 1, t_r=lambda t: t - 1), slug="zero-based-t"),
        Mistake("the bias correction uses t + 1: t is already the number of this step (1-based); "
                "don't increment it", _adam_mistake(t_s=lambda t: t + 1, t_r=lambda t: t + 1), slug="t-plus-one"),
        Mistake("ρ₁ and ρ₂ are swapped: ρ₁ belongs to the first moment s, ρ₂ to the second moment r",
                _adam_mistake(swap_rhos=True), slug="rhos-swapped"),
        Mistake("the moments are swapped: s averages the gradient g and r the squared gradient g ⊙ g",
                _adam_mistake(swap_moments=True), slug="moments-swapped"),
        Mistake("the Adam paper's \"efficient\" form, which folds the bias correction into the "
                "step size and so adds δ to √r instead of √r̂; compute ŝ and r̂ and divide by √r̂ + δ",
                _adam_paper_efficient_form, slug="paper-efficient-form"),
        Mistake("the bias-corrected ŝ and r̂ are stored as the state: return the uncorrected s and r, "
                "and correct them anew at every step", _adam_mistake(store_corrected=True), slug="stores-corrected"),
    ),
)


def _adam_args(rng: np.random.Generator, dtype: type, t: int, tiny: bool = False, first: bool = False):
    if first:
        s, r = np.zeros(_SHAPE, dtype), np.zeros(_SHAPE, dtype)
    elif tiny:
        s = draw_tiny(rng, _SHAPE, dtype)
        r = (draw_tiny(rng, _SHAPE, np.float64) ** 2).astype(dtype)
    else:
        s, r = draw(rng, _SHAPE, dtype, 0.1, 1.0), draw(rng, _SHAPE, dtype, 0.1, 2.0, signed=False)
    g = draw_tiny(rng, _SHAPE, dtype) if tiny else draw(rng, _SHAPE, dtype, 0.1, 2.0)
    return (draw(rng, _SHAPE, dtype), s, r, g, t)


def _hyper(rng: np.random.Generator, delta: float = 1e-8, lr: tuple[float, float] = (0.005, 0.1)) -> dict:
    return {"lr": pick(rng, *lr), "rho1": pick(rng, 0.8, 0.95, 2),
            "rho2": pick(rng, 0.99, 0.999, 4), "delta": delta}


def _adam_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for dtype in DTYPES:
        name = dtype_name(dtype)
        t = int(rng.integers(2, 31))
        cases += [
            Case(f"for one step from nonzero s and r in {name}", _adam_args(rng, dtype, t),
                 _hyper(rng), dtype=dtype),
            Case(f"for the first step (t = 1, s = r = 0) in {name}", _adam_args(rng, dtype, 1, first=True),
                 _hyper(rng), dtype=dtype),
            Case(f"for one step with tiny gradients and tiny s, r in {name}",
                 _adam_args(rng, dtype, t, tiny=True), _hyper(rng, lr=(0.05, 0.2)), dtype=dtype),
            Case(f"for one step with a large δ passed explicitly in {name}", _adam_args(rng, dtype, t),
                 _hyper(rng, delta=0.1), dtype=dtype),
            Case(f"for one step called without lr, rho1, rho2 and delta (their defaults) in {name}",
                 _adam_args(rng, dtype, t), dtype=dtype),
        ]
        for tiny in (False, True):
            grads = _grads(rng, dtype, tiny)
            theta0 = draw(rng, _SHAPE, dtype)
            zeros = np.zeros(_SHAPE, dtype)
            size = "tiny gradients" if tiny else "ordinary gradients"
            cases.append(Case(
                f"for a run of steps t = 1, …, {_STEPS} from s = r = 0 with {size} in {name}",
                (theta0, zeros, zeros, grads[0], 1), _hyper(rng, lr=(0.05, 0.2)), dtype=dtype, steps=_STEPS,
                advance=lambda k, args, out, grads=grads: (*out, grads[k], k + 1)))
    return cases


def check_adam_step(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``adam_step(theta, s, r, g, t, lr=1e-3, rho1=0.9, rho2=0.999, delta=1e-8)``.

    s ← ρ₁ s + (1 − ρ₁) g;  r ← ρ₂ r + (1 − ρ₂) g ⊙ g;  ŝ = s / (1 − ρ₁ᵗ);
    r̂ = r / (1 − ρ₂ᵗ);  θ ← θ − ε ŝ / (√r̂ + δ), with t = 1 on the first step;
    returns ``(theta, s, r)`` with the uncorrected moments.
    Parameters, errors: as :func:`check_adagrad_step`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    verify(ADAM, fn, _adam_cases(seed), reveal)


# --- uncorrected_step_length (predict, then check) ----------------------------------


_OFF_BY_ONE_T = ("an off-by-one in t: on step t the moments hold t gradients, s_t = (1 − ρ₁ᵗ) g "
                            "(t = 1 is the first step)")

UNCORRECTED = Exercise(
    name="uncorrected_step_length",
    params=("t", "rho1", "rho2"),
    outputs=("length",),
    reference=optim.uncorrected_step_length,
    formula="unroll s_t and r_t for a constant g from s₀ = r₀ = 0, then divide |s_t| by √r_t",
    scalar=True,
    exception_hint=lambda exc: ((f"It looks like {_OFF_BY_ONE_T}.", "off-by-one-t")
                                if isinstance(exc, ZeroDivisionError) else None),
    mistakes=(
        Mistake("the length with the bias correction (ŝ/√r̂ = 1 for a constant g); without it, s_t and r_t "
                "keep the factors 1 − ρ₁ᵗ and 1 − ρ₂ᵗ of their zero start",
                lambda t, rho1=0.9, rho2=0.999: 1.0, slug="with-correction"),
        Mistake("the square root is missing: the step divides s_t by √r_t, and r_t = (1 − ρ₂ᵗ) g², so the "
                "factor 1 − ρ₂ᵗ enters under a square root",
                lambda t, rho1=0.9, rho2=0.999: (1 - rho1**t) / (1 - rho2**t), slug="no-sqrt"),
        Mistake("ρ₁ and ρ₂ are swapped: ρ₁ decays the first moment s (the numerator), ρ₂ the second moment r",
                lambda t, rho1=0.9, rho2=0.999: (1 - rho2**t) / math.sqrt(1 - rho1**t), slug="rhos-swapped"),
        Mistake("it gives the first step's length, (1 − ρ₁)/√(1 − ρ₂), at every t: after t steps of a "
                "constant g the weights of the average add up to 1 − ρᵗ, not 1 − ρ",
                lambda t, rho1=0.9, rho2=0.999: (1 - rho1) / math.sqrt(1 - rho2), slug="first-step-only"),
        Mistake("it uses ρᵗ, the weight left on the zero start, instead of 1 − ρᵗ, the weight the gradients "
                "have gathered: s_t = (1 − ρ₁ᵗ) g",
                lambda t, rho1=0.9, rho2=0.999: rho1**t / math.sqrt(rho2**t), slug="weight-of-start"),
        Mistake("the factors 1 − ρ of the averages are missing: s ← ρ₁ s + (1 − ρ₁) g gives s_t = (1 − ρ₁ᵗ) g, "
                "not (1 − ρ₁ᵗ)/(1 − ρ₁) g (a decaying sum, not an average)",
                lambda t, rho1=0.9, rho2=0.999: (1 - rho1**t) / (1 - rho1) / math.sqrt((1 - rho2**t) / (1 - rho2)),
                slug="decaying-sum"),
        Mistake("it gives the factor the bias correction multiplies the step by, √(1 − ρ₂ᵗ)/(1 − ρ₁ᵗ), the "
                "inverse of the uncorrected length",
                lambda t, rho1=0.9, rho2=0.999: math.sqrt(1 - rho2**t) / (1 - rho1**t), slug="correction-factor"),
        Mistake(_OFF_BY_ONE_T,
                lambda t, rho1=0.9, rho2=0.999: (1 - rho1 ** (t + 1)) / math.sqrt(1 - rho2 ** (t + 1)),
                slug="off-by-one-t"),
        Mistake(_OFF_BY_ONE_T,
                lambda t, rho1=0.9, rho2=0.999: float((1 - np.float64(rho1) ** (t - 1))
                                                      / np.sqrt(1 - np.float64(rho2) ** (t - 1))),
                slug="off-by-one-t"),
    ),
)


def _uncorrected_case(label: str, ts: list[int], rho1: float | None = None, rho2: float | None = None) -> Case:
    rhos = () if rho1 is None else (rho1, rho2)
    return Case(label, (ts[0], *rhos), steps=len(ts), advance=lambda k, args, out: (ts[k], *args[1:]))


def _uncorrected_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    late = sorted(int(v) for v in rng.integers(20, 5000, 3))
    return [
        _uncorrected_case("for the first steps t = 1, …, 15 with the default ρ₁ and ρ₂", list(range(1, 16))),
        _uncorrected_case("for a few later steps, then t = 1, 2, 3", [*late, 1, 2, 3],
                          pick(rng, 0.5, 0.95, 2), pick(rng, 0.99, 0.9999, 4)),
        _uncorrected_case("for steps t = 1, …, 6 with ρ₁ = ρ₂", list(range(1, 7)), *(2 * [pick(rng, 0.6, 0.95, 2)])),
    ]


def check_uncorrected_step_length(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``uncorrected_step_length(t, rho1=0.9, rho2=0.999) -> float``.

    The length of Adam's step t without bias correction, in units of ε, for a constant
    gradient (|g| ≫ δ): (1 − ρ₁ᵗ)/√(1 − ρ₂ᵗ). Parameters, errors: as :func:`check_adagrad_step`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    verify(UNCORRECTED, fn, _uncorrected_cases(seed), reveal)


__all__ = ["check_adagrad_step", "check_adam_step", "check_rmsprop_step", "check_uncorrected_step_length"]
