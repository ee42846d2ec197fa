"""Checks of lecture 07: ``first_order_decrease``, ``batchnorm_forward``, ``batchnorm_backward`` and
``batchnorm_inference``.

The cache that ``batchnorm_forward`` returns is the student's own (any layout), so
the forward pass is checked on its output alone, after a call that checks it
returns a pair (out, cache); and ``batchnorm_backward`` is checked through the
student's forward: each case calls the student's ``batchnorm_forward`` (found next
to ``batchnorm_backward``, in its notebook) for the cache, then the student's
backward. If that forward gives wrong values, the check says so first (a forward
that is right but uses the reference code fails its own check, not this one). A backward defined
without a forward beside it (tested on its own) gets the reference forward's cache,
the tuple (x̂, 1/σ, γ).

Every case uses batches whose features have different means and scales, m ≠ n
(so that normalizing over the wrong axis shows), a large δ with small variances
(where δ sits and which root is taken show), and for inference running statistics
far from the batch's and a batch of one row.
"""

from __future__ import annotations

import copy
import functools
from typing import Any, Callable

import numpy as np

from course import batchnorm
from course.checks.common import (
    DTYPES, TOLERANCE, Case, Exercise, Mistake, calling, call_text, distance, draw, dtype_name, pick, verify,
)
from course.checks.failure import MISSING_RETURN, WRONG_RETURN_TYPE, CheckFailed, mistake_id
from course.checks.own_work import refuse_course_references
from course.gradcheck import numerical_gradient

#: Largest relative error (:func:`course.checks.common.distance`) of the backward
#: pass against central differences of the student's forward pass, in float64.
GRADIENT_TOLERANCE = 1e-7

_AXIS_HINT = ("It looks like the statistics are taken over the features (axis=1) instead of over "
              "the batch: μ and σ² are means over the rows, axis=0, one value per feature.")


def _axis_hint(exc: BaseException) -> tuple[str, str] | None:
    return (_AXIS_HINT, "features-axis") if "broadcast" in str(exc) else None


# --- the formulas, and the mistakes, in NumPy ----------------------------------------


def _stats(x: np.ndarray, axis: int = 0, ddof: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Batch mean μ and variance over ``axis`` (kept as a row or column)."""
    return x.mean(axis=axis, keepdims=True), x.var(axis=axis, ddof=ddof, keepdims=True)


def _normalize(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float, axis: int = 0,
               ddof: int = 0, denominator: Callable[[np.ndarray, float], np.ndarray] | None = None) -> np.ndarray:
    """γ (x − μ)/denominator(σ², δ) + β with batch statistics (denominator: √(σ² + δ))."""
    mu, var = _stats(x, axis, ddof)
    root = np.sqrt(var + eps) if denominator is None else denominator(var, eps)
    return gamma * (x - mu) / root + beta


def _reference_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5) -> tuple:
    """out = γ x̂ + β and the cache (x̂, 1/σ, γ) of the reference's layout, in NumPy (so that it
    runs while the reference modules are disabled)."""
    mu, var = _stats(x)
    inv_sigma = 1 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_sigma
    return gamma * x_hat + beta, (x_hat, inv_sigma, gamma)


def _forward_out(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """The reference's output out = γ (x − μ)/√(σ² + δ) + β (its cache left out)."""
    return batchnorm.batchnorm_forward(x, gamma, beta, eps)[0]


_SIGMA_FOR_VARIANCE = ("σ is used where σ² belongs: the formula takes √(σ² + δ) of the variance σ², "
                       "here the root was taken twice, √(σ + δ)")
_VARIANCE_FOR_SIGMA = ("σ² is used where σ belongs: divide by σ = √(σ² + δ), the square root is missing")
_SWAPPED = "γ and β are swapped: out = γ x̂ + β scales by γ and shifts by β"
_EPS_OUTSIDE = "δ (eps) is outside the square root: divide by √(σ² + δ), not √σ² + δ"

FORWARD = Exercise(
    name="batchnorm_forward",
    params=("x", "gamma", "beta"),
    outputs=("out",),
    reference=_forward_out,
    formula="μ = (1/m) Σᵢ xᵢ,:;  σ² = (1/m) Σᵢ (xᵢ,: − μ)²;  x̂ = (x − μ)/√(σ² + δ);  out = γ x̂ + β",
    exception_hint=_axis_hint,
    mistakes=(
        Mistake("the unbiased variance is used in training (dividing by m − 1); batch normalization "
                "normalizes with the biased batch variance (1/m) Σᵢ (xᵢ,: − μ)² (np.var's default, ddof=0)",
                lambda x, gamma, beta, eps=1e-5: _normalize(x, gamma, beta, eps, ddof=1), slug="unbiased-variance"),
        Mistake(_EPS_OUTSIDE, lambda x, gamma, beta, eps=1e-5:
                _normalize(x, gamma, beta, eps, denominator=lambda var, eps: np.sqrt(var) + eps),
                slug="eps-outside-sqrt"),
        Mistake("x is normalized over the features instead of the batch: μ and σ² are means over the rows "
                "(axis=0), one value per feature, not over the features of each row (axis=1)",
                lambda x, gamma, beta, eps=1e-5: _normalize(x, gamma, beta, eps, axis=1), slug="features-axis"),
        Mistake(_SWAPPED, lambda x, gamma, beta, eps=1e-5: _normalize(x, beta, gamma, eps),
                slug="gamma-beta-swapped"),
        Mistake(_SIGMA_FOR_VARIANCE, lambda x, gamma, beta, eps=1e-5:
                _normalize(x, gamma, beta, eps, denominator=lambda var, eps: np.sqrt(np.sqrt(var) + eps)),
                slug="sigma-for-variance"),
        Mistake(_VARIANCE_FOR_SIGMA, lambda x, gamma, beta, eps=1e-5:
                _normalize(x, gamma, beta, eps, denominator=lambda var, eps: var + eps), slug="no-sqrt"),
        Mistake("γ and β are not applied: the output is γ x̂ + β, not x̂",
                lambda x, gamma, beta, eps=1e-5: _normalize(x, np.ones_like(gamma), np.zeros_like(beta), eps),
                slug="no-affine"),
    ),
)


def _backward(x: np.ndarray, gamma: np.ndarray, dout: np.ndarray, eps: float = 1e-5, *,
              mean_term: bool = True, variance_term: bool = True, gamma_in_dx: bool = True,
              reduce: Callable[..., np.ndarray] = np.sum, dgamma_of_x: bool = False) -> tuple:
    """(dx, dγ, dβ) of batch normalization, with the parts a mistake leaves out left out."""
    mu, var = _stats(x)
    inv_sigma = 1 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_sigma
    dx = dout
    if mean_term:
        dx = dx - dout.mean(axis=0)
    if variance_term:
        dx = dx - x_hat * (dout * x_hat).mean(axis=0)
    dx = (gamma if gamma_in_dx else 1) * inv_sigma * dx
    dgamma = reduce(dout * (x if dgamma_of_x else x_hat), axis=0)
    return dx, dgamma, reduce(dout, axis=0)


def _backward_reference(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, dout: np.ndarray,
                        eps: float = 1e-5) -> tuple:
    """The reference's (dx, dγ, dβ) for dout and the cache of the reference forward pass."""
    _, cache = batchnorm.batchnorm_forward(x, gamma, beta, eps)
    return batchnorm.batchnorm_backward(dout, cache)


def _backward_mistake(**leave_out: Any) -> Callable[..., tuple]:
    def mistake(x, gamma, beta, dout, eps=1e-5):
        return _backward(x, gamma, dout, eps, **leave_out)

    return mistake


_SUMS = "dβ = Σᵢ doutᵢ,: and dγ = Σᵢ doutᵢ,: ⊙ x̂ᵢ,:, sums over the rows (the batch), one value per feature"

BACKWARD = Exercise(
    name="batchnorm_backward",
    params=("x", "gamma", "beta", "dout"),
    outputs=("dx", "dgamma", "dbeta"),
    shaped_like=("x", "gamma", "gamma"),
    reference=_backward_reference,
    formula="dβ = Σᵢ doutᵢ,:;  dγ = Σᵢ doutᵢ,: ⊙ x̂ᵢ,:;  dx = (γ/σ) ⊙ (dout − (1/m)(dβ + x̂ ⊙ dγ))",
    mistakes=(
        Mistake("the mean's contribution to dx is missing: x reaches the output through μ too, which "
                "adds −(γ/σ) ⊙ (1/m) Σᵢ doutᵢ,: to every row of dx",
                _backward_mistake(mean_term=False), slug="no-mean-term"),
        Mistake("the variance's contribution to dx is missing: x reaches the output through σ too, "
                "which adds −(γ/σ) ⊙ x̂ ⊙ (1/m) Σᵢ (dout ⊙ x̂)ᵢ,: to dx",
                _backward_mistake(variance_term=False), slug="no-variance-term"),
        Mistake("dx treats μ and σ as constants (dx = γ dout/σ); x also reaches the output through the "
                "batch statistics, which adds −(γ/σ) ⊙ (1/m)(dβ + x̂ ⊙ dγ)",
                _backward_mistake(mean_term=False, variance_term=False), slug="statistics-constant"),
        Mistake(f"dγ and dβ are averaged over the batch; they are sums: {_SUMS}",
                _backward_mistake(reduce=np.mean), slug="averaged"),
        Mistake("γ is missing from dx: out = γ x̂ + β, so dx carries the factor γ/σ, not 1/σ",
                _backward_mistake(gamma_in_dx=False), slug="gamma-missing"),
        Mistake("dγ is computed with x instead of x̂: out = γ x̂ + β, so dγ = Σᵢ doutᵢ,: ⊙ x̂ᵢ,:",
                _backward_mistake(dgamma_of_x=True), slug="dgamma-with-x"),
    ),
)


def _folded(shift: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
    """Inference as the affine map a ⊙ x + b with a = γ/√(σ̄² + δ) and a wrong shift b = shift(a, …)."""
    def mistake(x, gamma, beta, running_mean, running_var, eps=1e-5):
        a = gamma / np.sqrt(running_var + eps)
        return a * x + shift(a, gamma, beta, running_mean)

    return mistake


def _inference_mistake(statistics: str = "running", denominator: Callable | None = None,
                       swap: bool = False) -> Callable[..., np.ndarray]:
    def mistake(x, gamma, beta, running_mean, running_var, eps=1e-5):
        if swap:
            gamma, beta = beta, gamma
        mean, var = (_stats(x) if statistics == "batch" else (running_mean, running_var))
        if statistics == "unbiased":
            var = var * x.shape[0] / (x.shape[0] - 1)
        root = np.sqrt(var + eps) if denominator is None else denominator(var, eps)
        return gamma * (x - mean) / root + beta

    return mistake


INFERENCE = Exercise(
    name="batchnorm_inference",
    params=("x", "gamma", "beta", "running_mean", "running_var"),
    outputs=("out",),
    reference=batchnorm.batchnorm_inference,
    formula="training mode's transform with μ̄ = running_mean and σ̄² = running_var in place of the batch's "
            "statistics (as an affine map a ⊙ x + b)",
    mistakes=(
        Mistake("batch statistics are used at inference: normalize with the running averages μ̄ = "
                "running_mean and σ̄² = running_var, so that an example's output does not depend on the "
                "rest of its batch (and a batch of one row works)",
                _inference_mistake("batch"), slug="batch-statistics"),
        Mistake(_EPS_OUTSIDE.replace("σ²", "σ̄²"),
                _inference_mistake(denominator=lambda var, eps: np.sqrt(var) + eps), slug="eps-outside-sqrt"),
        Mistake("σ is used where σ² belongs: running_var already holds the variance σ̄², which goes "
                "under the root as it is, √(σ̄² + δ); here the root was taken twice, √(σ̄ + δ)",
                _inference_mistake(denominator=lambda var, eps: np.sqrt(np.sqrt(var) + eps)),
                slug="sigma-for-variance"),
        Mistake("σ² is used where σ belongs: divide by √(σ̄² + δ), the square root is missing",
                _inference_mistake(denominator=lambda var, eps: var + eps), slug="no-sqrt"),
        Mistake(_SWAPPED, _inference_mistake(swap=True), slug="gamma-beta-swapped"),
        Mistake("the unbiased factor m/(m − 1) is applied at inference; it belongs to the running "
                "average of the variance in training, running_var already holds it",
                _inference_mistake("unbiased"), slug="unbiased-factor"),
        Mistake("the shift of the affine map is β − μ̄: the mean is subtracted before the scaling, so the shift "
                "is b = β − a ⊙ μ̄ with the scale a = γ/√(σ̄² + δ)",
                _folded(lambda a, gamma, beta, mean: beta - mean), slug="folded-shift-unscaled"),
        Mistake("the shift of the affine map is β − γ ⊙ μ̄: the mean is divided by √(σ̄² + δ) too, so the shift "
                "is b = β − a ⊙ μ̄ with the scale a = γ/√(σ̄² + δ)",
                _folded(lambda a, gamma, beta, mean: beta - gamma * mean), slug="folded-shift-gamma-only"),
        Mistake("the shift of the affine map has the wrong sign: y = a ⊙ (x − μ̄) + β = a ⊙ x + (β − a ⊙ μ̄)",
                _folded(lambda a, gamma, beta, mean: beta + a * mean), slug="folded-shift-sign"),
    ),
)


# --- inputs -------------------------------------------------------------------------------


def _batch(rng: np.random.Generator, m: int, n: int, dtype: Any, scale: tuple[float, float] = (0.5, 3.0)
           ) -> np.ndarray:
    """m rows of n features, each feature with its own mean and scale (three decimals)."""
    means = rng.uniform(-3.0, 3.0, n)
    scales = rng.uniform(*scale, n)
    return np.round(means + scales * rng.standard_normal((m, n)), 3).astype(dtype)


def _forward_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for dtype in DTYPES:
        name = dtype_name(dtype)
        for m, n in ((4, 3), (5, 8)):
            args = (_batch(rng, m, n, dtype), draw(rng, (n,), dtype), draw(rng, (n,), dtype))
            cases.append(Case(f"for a batch of {m} rows and {n} features in {name}", args, dtype=dtype))
        m, n = 6, 3
        args = (_batch(rng, m, n, dtype, scale=(0.05, 0.3)), draw(rng, (n,), dtype), draw(rng, (n,), dtype))
        cases.append(Case(f"with eps = 0.1 for features of small variance in {name}", args,
                          kwargs={"eps": 0.1}, dtype=dtype))
    return cases


def _backward_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for dtype in DTYPES:
        for m, n in ((4, 3), (5, 8)):
            args = (_batch(rng, m, n, dtype), draw(rng, (n,), dtype), draw(rng, (n,), dtype),
                    draw(rng, (m, n), dtype))
            cases.append(Case(f"for dout and the cache of your batchnorm_forward(x, gamma, beta), "
                              f"{m} rows and {n} features, in {dtype_name(dtype)}", args, dtype=dtype))
    return cases


def _inference_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for dtype in DTYPES:
        name = dtype_name(dtype)
        for m, n, what in ((4, 3, "a batch of 4 rows"), (1, 5, "a batch of one row")):
            x = _batch(rng, m, n, dtype)
            running_mean = np.round(rng.uniform(-3.0, 3.0, n), 3).astype(dtype)
            running_var = np.round(rng.uniform(0.2, 5.0, n), 3).astype(dtype)
            args = (x, draw(rng, (n,), dtype), draw(rng, (n,), dtype), running_mean, running_var)
            cases.append(Case(f"for {what} with {n} features in {name}", args, dtype=dtype))
        n = 3
        args = (_batch(rng, 5, n, dtype, scale=(0.05, 0.3)), draw(rng, (n,), dtype), draw(rng, (n,), dtype),
                np.round(rng.uniform(-1.0, 1.0, n), 3).astype(dtype),
                np.asarray([pick(rng, 0.005, 0.05) for _ in range(n)], dtype=dtype))
        cases.append(Case(f"with eps = 0.1 and a small running_var in {name}", args,
                          kwargs={"eps": 0.1}, dtype=dtype))
    return cases


# --- the student's forward pass -----------------------------------------------------------


def _require_pair(forward: Callable, x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, reveal: bool) -> None:
    """Fail unless one call of ``forward`` returns a pair (out, cache)."""
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    with calling("batchnorm_forward", call_text("batchnorm_forward", FORWARD.params, (x, gamma, beta), {}, reveal),
                 _axis_hint):
        result = forward(x.copy(), gamma.copy(), beta.copy())
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        got = ("None (is `return` missing?)" if result is None else
               f"a tuple of {len(result)} values" if isinstance(result, (tuple, list)) else
               f"a single {type(result).__name__}")
        raise CheckFailed(f"batchnorm_forward must return a pair (out, cache), got {got}; end with "
                          "`return out, cache`, where the cache holds what batchnorm_backward needs.",
                          mistake_id("batchnorm_forward", MISSING_RETURN if result is None else WRONG_RETURN_TYPE))


def _output_only(forward: Callable) -> Callable[..., Any]:
    """``forward`` returning its output ``out`` alone (the cache is the student's own)."""

    @functools.wraps(forward)
    def output(*args: Any, **kwargs: Any) -> Any:
        result = forward(*args, **kwargs)
        return result[0] if isinstance(result, (tuple, list)) and len(result) == 2 else result

    return output


def _students_forward(backward: Callable) -> Callable | None:
    """The ``batchnorm_forward`` of the notebook that defines ``backward``; None if there is none."""
    forward = getattr(backward, "__globals__", {}).get("batchnorm_forward")
    return forward if callable(forward) else None


def _key(*arrays: np.ndarray) -> tuple:
    return tuple((a.dtype.str, a.shape, a.tobytes()) for a in arrays)


def _forward_then_backward(forward: Callable, backward: Callable,
                           inputs: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> Callable[..., Any]:
    """(x, γ, β, dout) ↦ backward(dout, cache) with the cache of forward(x, γ, β).

    The caches of every (x, γ, β) of ``inputs`` are computed here, before any call of the
    backward pass and with the reference modules enabled: whether the forward pass is the
    student's own work is the forward check's business. Each call gets a fresh copy.
    """
    caches = {_key(x, g, b): forward(x.copy(), g.copy(), b.copy())[1] for x, g, b in inputs}

    @functools.wraps(backward)
    def forward_then_backward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, dout: np.ndarray) -> Any:
        return backward(dout, copy.deepcopy(caches[_key(x, gamma, beta)]))

    return forward_then_backward


def _gives_reference_values(forward: Callable, cases: list[Case]) -> bool:
    """Whether ``forward``'s output matches the reference's on every case (own work aside)."""
    try:
        with np.errstate(all="ignore"):
            return all(
                distance(np.asarray(forward(*(a.copy() for a in case.args), **case.kwargs)[0]),
                         FORWARD.reference(*case.args, **case.kwargs)) <= TOLERANCE[np.dtype(case.dtype)]
                for case in cases)
    except Exception:  # noqa: BLE001 - any failure of the student's code means "no"
        return False


def _require_sums(both: Callable, x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, dout: np.ndarray,
                  reveal: bool) -> None:
    """Fail, naming the mistake, if dγ or dβ come back with x's shape (not summed over the batch)."""
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    with calling("batchnorm_backward", call_text("batchnorm_backward", ("dout", "cache"), (dout, None), {}, reveal)):
        result = both(x.copy(), gamma.copy(), beta.copy(), dout.copy())
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        return  # verify says what is wrong with it
    for out, value in zip(("dgamma", "dbeta"), result[1:]):
        if np.shape(value) == x.shape:
            raise CheckFailed(
                f"batchnorm_backward returned {out} with shape {np.shape(value)}, the shape of x; it must have "
                f"the shape of gamma, {gamma.shape}. It looks like dγ and dβ are not summed over the batch: "
                f"{_SUMS}.", mistake_id("batchnorm_backward", "not-summed"))


def _gradient_case(seed: int) -> tuple[np.ndarray, ...]:
    """(x, γ, β, dout) in float64 for the comparison with central differences."""
    rng = np.random.default_rng(seed + 1)
    m, n = 5, 3
    return (_batch(rng, m, n, np.float64), draw(rng, (n,), np.float64), draw(rng, (n,), np.float64),
            draw(rng, (m, n), np.float64))


def _require_gradient(forward: Callable, both: Callable, x: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
                      dout: np.ndarray) -> None:
    """Fail unless the backward pass agrees with central differences of the forward pass (float64)."""
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    numerical = {
        "dx": numerical_gradient(lambda v: np.sum(forward(v, gamma, beta)[0] * dout), x),
        "dgamma": numerical_gradient(lambda v: np.sum(forward(x, v, beta)[0] * dout), gamma),
        "dbeta": numerical_gradient(lambda v: np.sum(forward(x, gamma, v)[0] * dout), beta),
    }
    with calling("batchnorm_backward", "batchnorm_backward(dout, cache)"):
        got = dict(zip(BACKWARD.outputs, both(x, gamma, beta, dout)))
    for out, expected in numerical.items():
        error = distance(np.asarray(got[out], dtype=np.float64), expected)
        if not error < GRADIENT_TOLERANCE:
            raise CheckFailed(
                f"batchnorm_backward's {out} is not the gradient of your batchnorm_forward: its relative error "
                f"to central differences is {error:.1e} in float64 (it must be below {GRADIENT_TOLERANCE:.0e}). "
                f"Compare your code with the formula {BACKWARD.formula}.")


# --- the checks ---------------------------------------------------------------------------


def check_batchnorm_forward(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``batchnorm_forward(x, gamma, beta, eps=1e-5) -> (out, cache)``.

    μ = (1/m) Σᵢ xᵢ,:, σ = √(δ + (1/m) Σᵢ (xᵢ,: − μ)²), x̂ = (x − μ)/σ, out = γ x̂ + β.
    The cache may hold anything; only ``out`` is compared with the reference.

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
    cases = _forward_cases(seed)
    if callable(fn):
        refuse_course_references(fn)
        _require_pair(fn, *cases[0].args, reveal)
    verify(FORWARD, _output_only(fn) if callable(fn) else fn, cases, reveal)


def check_batchnorm_backward(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``batchnorm_backward(dout, cache) -> (dx, dgamma, dbeta)``.

    dβ = Σᵢ doutᵢ,:, dγ = Σᵢ doutᵢ,: ⊙ x̂ᵢ,:, dx = (γ/σ) ⊙ (dout − (1/m)(dβ + x̂ ⊙ dγ)).
    The cache comes from the student's ``batchnorm_forward`` (of the notebook that
    defines ``fn``; the reference's when there is none), which is checked first:
    wrong values of it stop the check with a message that says so. Then (dx, dγ, dβ) are compared with the reference in float32 and float64, and
    with central differences of the student's forward pass (relative error below
    :data:`GRADIENT_TOLERANCE` in float64).

    Parameters, errors: as :func:`check_batchnorm_forward`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    if not callable(fn):
        raise CheckFailed(f"pass your function batchnorm_backward itself, got {type(fn).__name__}")
    refuse_course_references(fn)
    forward = _students_forward(fn)
    if forward is None:
        forward = _reference_forward
    else:
        try:
            check_batchnorm_forward(forward, seed, reveal)
        except CheckFailed as exc:  # wrong values block the backward check; not using own code does not
            if not _gives_reference_values(forward, _forward_cases(seed)):
                raise CheckFailed("batchnorm_backward is checked with the cache of your batchnorm_forward, which "
                                  f"is not right yet: fix batchnorm_forward first. Its check says:\n{exc.message}",
                                  mistake_id("batchnorm_backward", "wrong-forward")) from exc.__cause__
    cases = _backward_cases(seed)
    gradient_case = _gradient_case(seed)
    both = _forward_then_backward(forward, fn, [case.args[:3] for case in cases] + [gradient_case[:3]])
    _require_sums(both, *cases[0].args, reveal)
    verify(BACKWARD, both, cases, reveal)
    _require_gradient(forward, both, *gradient_case)


def check_batchnorm_inference(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``batchnorm_inference(x, gamma, beta, running_mean, running_var, eps=1e-5)``.

    out = γ (x − μ̄)/√(σ̄² + δ) + β with the running averages μ̄, σ̄², never the batch's statistics.

    Parameters, errors: as :func:`check_batchnorm_forward`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    verify(INFERENCE, fn, _inference_cases(seed), reveal)


# --- first_order_decrease (predict, then check) ---------------------------------------------


def _products_but_one(x: float, w: np.ndarray) -> np.ndarray:
    """x ∏_{k≠i} w_k for every i (w has no zeros in the cases)."""
    return x * np.prod(w) / w


FIRST_ORDER = Exercise(
    name="first_order_decrease",
    params=("x", "w", "lr"),
    outputs=("decrease",),
    reference=batchnorm.first_order_decrease,
    formula="the first-order Taylor term of ŷ(w − ε g) − ŷ(w) with g = ∇_w ŷ, for ŷ = x w₁ ⋯ w_l",
    scalar=True,
    mistakes=(
        Mistake("it gives the norm ε‖g‖ of the gradient; the first-order change of ŷ along −ε g is −ε gᵀg, "
                "the squared norm",
                lambda x, w, lr: lr * float(np.linalg.norm(_products_but_one(x, w))), slug="gradient-norm"),
        Mistake("it sums the gradient, ε Σᵢ gᵢ; the first-order change is ∇ŷ · (−ε g) = −ε gᵀg = −ε Σᵢ gᵢ²",
                lambda x, w, lr: lr * float(np.sum(_products_but_one(x, w))), slug="gradient-sum"),
        Mistake("gᵢ = ∂ŷ/∂wᵢ is taken as ŷ = x ∏_k w_k itself; wᵢ is the one factor the derivative removes: "
                "gᵢ = x ∏_{k≠i} w_k",
                lambda x, w, lr: lr * len(w) * float(x * np.prod(w)) ** 2, slug="output-as-gradient"),
        Mistake("ε is missing: the step is −ε g, so the first-order change is −ε gᵀg",
                lambda x, w, lr: float(np.sum(_products_but_one(x, w) ** 2)), slug="no-lr"),
        Mistake("it has a factor ½: that belongs to the second-order term ½ ε² gᵀHg; the first-order term "
                "is ε gᵀg", lambda x, w, lr: 0.5 * lr * float(np.sum(_products_but_one(x, w) ** 2)), slug="half"),
        Mistake("x is missing from the gradient, or not squared: gᵢ = x ∏_{k≠i} w_k, so gᵀg carries x²",
                lambda x, w, lr: lr * float(np.sum((_products_but_one(x, w) / x) ** 2)), slug="x-not-squared"),
        Mistake("x is missing from the gradient, or not squared: gᵢ = x ∏_{k≠i} w_k, so gᵀg carries x²",
                lambda x, w, lr: lr * x * float(np.sum((_products_but_one(x, w) / x) ** 2)), slug="x-not-squared"),
        Mistake("it gives the whole change ŷ − x ∏ᵢ (wᵢ − ε gᵢ), every order of ε; the first-order prediction "
                "keeps only the term linear in ε",
                lambda x, w, lr: float(x * np.prod(w) - x * np.prod(w - lr * _products_but_one(x, w))),
                slug="all-orders"),
    ),
)


def _first_order_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for dtype in DTYPES:
        name = dtype_name(dtype)
        for layers, what in ((1, "one layer"), (2, "two layers"), (int(rng.integers(5, 10)), "a deep chain")):
            args = (pick(rng, 0.5, 2.0) * float(rng.choice([-1.0, 1.0])), draw(rng, (layers,), dtype, 0.5, 1.8),
                    pick(rng, 0.01, 0.2))
            cases.append(Case(f"for {what} with weights of both signs in {name}", args, dtype=dtype))
    return cases


def check_first_order_decrease(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``first_order_decrease(x, w, lr) -> float``.

    For ŷ = x w₁ ⋯ w_l and the step w ← w − ε g with g = ∇_w ŷ (gᵢ = x ∏_{k≠i} w_k): the
    decrease of ŷ that the first-order Taylor expansion predicts, ε gᵀg, on chains of
    1, 2 and several layers with weights of both signs, in float64 and float32.
    Parameters, errors: as :func:`check_batchnorm_forward`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    verify(FIRST_ORDER, fn, _first_order_cases(seed), reveal)


__all__ = ["check_batchnorm_backward", "check_batchnorm_forward", "check_batchnorm_inference",
           "check_first_order_decrease"]
