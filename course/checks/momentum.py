"""Checks of lecture 04: ``momentum_step`` and ``nesterov_step`` (the book's velocity form),
``terminal_velocity`` and ``largest_stable_momentum_lr`` (predict, then check), and the rate theory
``momentum_rate`` and ``optimal_momentum``."""

from __future__ import annotations

import cmath
import math
from typing import Callable

import numpy as np

from course import optim
from course.checks.common import DTYPES, Case, Exercise, Mistake, draw, dtype_name, pick, verify

_OLD_VELOCITY = "θ is updated with the old velocity; update v first, then θ ← θ + v with the new v"

MOMENTUM = Exercise(
    name="momentum_step",
    params=("theta", "v", "g", "lr", "alpha"),
    outputs=("theta", "v"),
    reference=optim.momentum_step,
    formula="v ← α v − ε g;  θ ← θ + v",
    mistakes=(
        Mistake("the velocity has PyTorch's units (v ← αv + g; θ ← θ − εv); the course uses the "
                "book's velocity v ← αv − εg; θ ← θ + v",
                lambda theta, v, g, lr, alpha: (theta - lr * (alpha * v + g), alpha * v + g), slug="pytorch-units"),
        Mistake(_OLD_VELOCITY,
                lambda theta, v, g, lr, alpha: (theta + v, alpha * v - lr * g), slug="old-velocity"),
        Mistake("the sign of the gradient term in v is wrong (v ← αv + εg); it is v ← αv − εg",
                lambda theta, v, g, lr, alpha: (theta + alpha * v + lr * g, alpha * v + lr * g),
                slug="sign-error-in-v"),
        Mistake("α is missing: the old velocity must decay, v ← αv − εg",
                lambda theta, v, g, lr, alpha: (theta + v - lr * g, v - lr * g), slug="missing-alpha"),
        Mistake("the sign of the θ update is wrong (θ ← θ − v); with v ← αv − εg it is θ ← θ + v",
                lambda theta, v, g, lr, alpha: (theta - (alpha * v - lr * g), alpha * v - lr * g), slug="theta-sign"),
        Mistake("v ← αv − (1 − α)εg is an exponential average, not the book's velocity v ← αv − εg",
                lambda theta, v, g, lr, alpha: (theta + alpha * v - (1 - alpha) * lr * g,
                                                 alpha * v - (1 - alpha) * lr * g), slug="exponential-average"),
    ),
)


def _momentum_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for dtype in DTYPES:
        name = dtype_name(dtype)
        for shape, what, first in (((5,), "from a nonzero velocity", False),
                                   ((2, 3), "from v = 0 (the first step)", True)):
            v = np.zeros(shape, dtype) if first else draw(rng, shape, dtype, 0.05, 0.5)
            args = (draw(rng, shape, dtype), v, draw(rng, shape, dtype), pick(rng, 0.01, 0.3), pick(rng, 0.5, 0.95, 2))
            cases.append(Case(f"for one step {what} in {name}", args, dtype=dtype))
    for dtype in DTYPES:
        steps = 20
        grads = [draw(rng, (4,), dtype) for _ in range(steps)]
        rates = [optim.linear_decay(k, 0.1, 0.01, steps - 1) for k in range(steps)]
        alpha = pick(rng, 0.5, 0.95, 2)
        cases.append(Case(
            f"for a run of steps from v = 0 with a decaying learning rate in {dtype_name(dtype)}",
            (draw(rng, (4,), dtype), np.zeros(4, dtype), grads[0], rates[0], alpha), dtype=dtype,
            steps=steps, advance=lambda k, args, out, grads=grads, rates=rates, alpha=alpha:
                (*out, grads[k], rates[k], alpha),
        ))
    return cases


def check_momentum_step(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``momentum_step(theta, v, g, lr, alpha) -> (theta, v)``.

    The book's velocity form: v ← α v − ε g;  θ ← θ + v.

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
    verify(MOMENTUM, fn, _momentum_cases(seed), reveal)


# --- nesterov_step ------------------------------------------------------------------


class QuadraticGradient:
    """``grad_fn(x) = A x − b``, the gradient of f(x) = ½ xᵀA x − bᵀx, in the dtype of x."""

    def __init__(self, A: np.ndarray, b: np.ndarray) -> None:
        self.A, self.b = A, b

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        return self.A.astype(x.dtype) @ x - self.b.astype(x.dtype)

    def __repr__(self) -> str:
        A = np.array2string(self.A, separator=", ")
        b = np.array2string(self.b, separator=", ")
        return f"lambda x: A @ x - b with A = {A}, b = {b}"


def _nesterov(theta, v, grad_fn, lr, alpha, point, use_new_v=True):
    new_v = alpha * v - lr * grad_fn(point)
    return theta + (new_v if use_new_v else v), new_v


def _pytorch_form(theta, v, grad_fn, lr, alpha):
    g = grad_fn(theta)
    new_v = alpha * v - lr * g
    return theta + alpha * new_v - lr * g, new_v


def _pytorch_units(theta, v, grad_fn, lr, alpha):
    g = grad_fn(theta)
    new_v = alpha * v + g
    return theta - lr * (g + alpha * new_v), new_v


_BOOK_NESTEROV = ("the course uses the book's form, v ← αv − ε∇f(θ + αv); θ ← θ + v, with the gradient "
                  "at the look-ahead point")


NESTEROV = Exercise(
    name="nesterov_step",
    params=("theta", "v", "grad_fn", "lr", "alpha"),
    outputs=("theta", "v"),
    reference=optim.nesterov_step,
    formula="v ← α v − ε ∇f(θ + α v);  θ ← θ + v",
    call_once={"grad_fn": "it must evaluate the gradient once, at the look-ahead point θ + αv"},
    mistakes=(
        Mistake("the gradient is taken at θ rather than the look-ahead point θ + αv (that is plain "
                "momentum)", lambda theta, v, grad_fn, lr, alpha: _nesterov(theta, v, grad_fn, lr, alpha, theta),
                slug="gradient-at-theta"),
        Mistake("the look-ahead point uses −αv; it is θ + αv",
                lambda theta, v, grad_fn, lr, alpha: _nesterov(theta, v, grad_fn, lr, alpha, theta - alpha * v),
                slug="lookahead-minus"),
        Mistake("the look-ahead point misses α; it is θ + αv, not θ + v",
                lambda theta, v, grad_fn, lr, alpha: _nesterov(theta, v, grad_fn, lr, alpha, theta + v),
                slug="lookahead-without-alpha"),
        Mistake(_OLD_VELOCITY, lambda theta, v, grad_fn, lr, alpha:
                _nesterov(theta, v, grad_fn, lr, alpha, theta + alpha * v, use_new_v=False), slug="old-velocity"),
        Mistake("PyTorch's form of Nesterov momentum, which tracks the look-ahead point θ + αv "
                f"instead of θ (gradient at θ, then θ ← θ + αv − εg with the new v); {_BOOK_NESTEROV}",
                _pytorch_form, slug="pytorch-form"),
        Mistake("PyTorch's form of Nesterov momentum in PyTorch's units (gradient at θ, v ← αv + g, "
                f"θ ← θ − ε(g + αv)), which tracks the look-ahead point instead of θ; {_BOOK_NESTEROV}",
                _pytorch_units, slug="pytorch-units"),
        Mistake("the sign of the gradient term in v is wrong; it is v ← αv − ε∇f(θ + αv)",
                lambda theta, v, grad_fn, lr, alpha: (
                    theta + alpha * v + lr * grad_fn(theta + alpha * v),
                    alpha * v + lr * grad_fn(theta + alpha * v)), slug="sign-error-in-v"),
    ),
)


def _quadratic(rng: np.random.Generator, n: int) -> QuadraticGradient:
    M = rng.normal(size=(n, n))
    A = np.round(M @ M.T / n + np.eye(n), 2)
    return QuadraticGradient(A, np.round(rng.normal(size=n), 2))


def _nesterov_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for dtype in DTYPES:
        name = dtype_name(dtype)
        for what, first in (("from a nonzero velocity", False), ("from v = 0 (the first step)", True)):
            n = 4
            v = np.zeros(n, dtype) if first else draw(rng, (n,), dtype, 0.2, 1.0)
            args = (draw(rng, (n,), dtype), v, _quadratic(rng, n), pick(rng, 0.02, 0.2), pick(rng, 0.5, 0.95, 2))
            cases.append(Case(f"for one step {what} on a quadratic in {name}", args, dtype=dtype))
    for dtype in DTYPES:
        # A small lr keeps v far from 0 over the run: float32 round-off of θ would swamp a
        # vanishing v and fail right implementations that round differently.
        grad_fn, alpha, lr = _quadratic(rng, 3), pick(rng, 0.5, 0.9, 2), pick(rng, 0.02, 0.06)
        cases.append(Case(
            f"for a run of steps from v = 0 on a quadratic in {dtype_name(dtype)}",
            (draw(rng, (3,), dtype), np.zeros(3, dtype), grad_fn, lr, alpha), dtype=dtype, steps=20,
            advance=lambda k, args, out: (*out, *args[2:]),
        ))
    return cases


def check_nesterov_step(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``nesterov_step(theta, v, grad_fn, lr, alpha) -> (theta, v)``.

    The book's form: v ← α v − ε ∇f(θ + α v);  θ ← θ + v.
    Parameters, errors: as :func:`check_momentum_step`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    verify(NESTEROV, fn, _nesterov_cases(seed), reveal)


# --- terminal_velocity (predict, then check) -----------------------------------------

TERMINAL = Exercise(
    name="terminal_velocity",
    params=("g", "lr", "alpha"),
    outputs=("v",),
    reference=optim.terminal_velocity,
    formula="the limit of v_k = −ε g (1 + α + … + α^(k−1)) under a constant gradient g",
    mistakes=(
        Mistake("−εg is plain gradient descent's step (and the limit of an exponential average "
                "v ← αv − (1 − α)εg); the book's velocity keeps adding −εg to what is left of it: "
                "v_k = −εg(1 + α + α² + …)",
                lambda g, lr, alpha: -lr * g, slug="plain-step"),
        Mistake("the geometric series starts at α instead of 1: the newest gradient enters v with "
                "weight 1, v_k = −εg(1 + α + … + α^(k−1))",
                lambda g, lr, alpha: -lr * alpha / (1 - alpha) * g, slug="series-from-alpha"),
        Mistake("ε is missing: g/(1 − α) is the limit of PyTorch's buffer b ← αb + g; the book's "
                "velocity already holds the learning rate",
                lambda g, lr, alpha: -g / (1 - alpha), slug="pytorch-units"),
        Mistake("the velocity points uphill: it adds up −εg, so its limit points along −g",
                lambda g, lr, alpha: lr / (1 - alpha) * g, slug="uphill"),
        Mistake("only two terms of the series are summed (−εg(1 + α)); the velocity keeps every "
                "earlier gradient with weight α^j: sum the whole geometric series",
                lambda g, lr, alpha: -lr * (1 + alpha) * g, slug="two-terms"),
        Mistake("the series is squared: −εg/(1 − α)² is not the limit of −εg(1 + α + α² + …)",
                lambda g, lr, alpha: -lr / (1 - alpha) ** 2 * g, slug="series-squared"),
    ),
)


def _terminal_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for dtype in DTYPES:
        name = dtype_name(dtype)
        for shape in ((3,), (2, 2)):
            cases.append(Case(f"for a gradient of shape {shape} in {name}",
                              (draw(rng, shape, dtype), pick(rng, 0.01, 0.5), pick(rng, 0.3, 0.95, 2)), dtype=dtype))
        cases.append(Case(f"for α = 0 (gradient descent) in {name}",
                          (draw(rng, (4,), dtype), pick(rng, 0.01, 0.5), 0.0), dtype=dtype))
        cases.append(Case(f"for α close to 1 in {name}",
                          (draw(rng, (4,), dtype), pick(rng, 0.001, 0.01, 4), 0.99), dtype=dtype))
    return cases


def check_terminal_velocity(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``terminal_velocity(g, lr, alpha) -> v``: the limit −εg/(1 − α)
    of momentum's velocity under a constant gradient g.

    Parameters, errors: as :func:`check_momentum_step`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    verify(TERMINAL, fn, _terminal_cases(seed), reveal)


# --- momentum_rate -------------------------------------------------------------------


def _roots(lam: float, lr: float, alpha: float) -> tuple[complex, complex]:
    """The roots of z² − (1 + α − ελ) z + α, the eigenvalues of M = [[1 − ελ, α], [−ελ, α]]."""
    t = 1 + alpha - lr * lam
    root = cmath.sqrt(t * t - 4 * alpha)
    return (t + root) / 2, (t - root) / 2


def _old_velocity_rate(lam: float, lr: float, alpha: float) -> float:
    # θ ← θ + v with the old v: M = [[1, 1], [−ελ, α]], z² − (1 + α) z + α + ελ.
    t = 1 + alpha
    root = cmath.sqrt(t * t - 4 * (alpha + lr * lam))
    return max(abs((t + root) / 2), abs((t - root) / 2))


def _larger_root(lam: float, lr: float, alpha: float) -> float:
    z1, z2 = _roots(lam, lr, alpha)
    return math.sqrt(alpha) if z1.imag else max(z1.real, z2.real)


_REAL_ROOTS = "when t² ≥ 4α (t = 1 + α − ελ) the eigenvalues are real and the rate is the larger of their moduli"

MOMENTUM_RATE = Exercise(
    name="momentum_rate",
    params=("lam", "lr", "alpha"),
    outputs=("rate",),
    reference=optim.momentum_rate,
    formula="ρ = max |z| over the roots z of z² − (1 + α − ελ) z + α (the eigenvalues of M)",
    scalar=True,
    mistakes=(
        Mistake("the rate uses the real parts of complex eigenvalues instead of their moduli: a complex "
                "pair z = a ± ib shrinks by |z| = √(a² + b²) = √α per step, not by |a|",
                lambda lam, lr, alpha: max(abs(z.real) for z in _roots(lam, lr, alpha)), slug="real-parts"),
        Mistake("this is gradient descent's rate |1 − ελ|: momentum's rate is that of the 2×2 iteration "
                "of (θ, v), the largest modulus of the eigenvalues of M",
                lambda lam, lr, alpha: abs(1 - lr * lam), slug="gradient-descent-rate"),
        Mistake(f"√α is the rate only when the eigenvalues are complex; {_REAL_ROOTS}",
                lambda lam, lr, alpha: math.sqrt(alpha), slug="sqrt-alpha"),
        Mistake("the larger root is not the larger modulus: when ελ > 1 + α both real eigenvalues are "
                "negative, and the rate is the modulus of the one further from 0",
                _larger_root, slug="larger-root"),
        Mistake("θ is updated with the old velocity (M = [[1, 1], [−ελ, α]]); the book's update uses the "
                "new one, θ ← θ + v after v ← αv − εg, so M = [[1 − ελ, α], [−ελ, α]]",
                _old_velocity_rate, slug="old-velocity"),
        Mistake("this is |z|², the product z z̄ of a complex eigenvalue with its conjugate; the rate is |z|",
                lambda lam, lr, alpha: max(abs(z) for z in _roots(lam, lr, alpha)) ** 2, slug="squared-modulus"),
    ),
)

#: Next to a double root a right answer may differ from the reference by about the
#: square root of the rounding error (1e-8 in float64: eigenvalues of a 2×2 Jordan block).
DOUBLE_ROOT_TOLERANCE = 1e-6


def _rate_case(label: str, triples: list[tuple[float, float, float]], tolerance: float | None = None) -> Case:
    return Case(label, triples[0], steps=len(triples), advance=lambda k, args, out: triples[k],
                tolerance=tolerance)


def _rate_cases(seed: int) -> list[Case]:
    """Triples (λ, ε, α) in each regime of the roots of z² − (1 + α − ελ) z + α."""
    rng = np.random.default_rng(seed)

    def lr_for(product: float, lam: float) -> float:
        """ε with ελ close to ``product``, to 4 significant digits."""
        return float(f"{product / lam:.4g}")

    def regime(count: int, alphas: tuple[float, float], products) -> list[tuple[float, float, float]]:
        """``count`` triples: λ and α drawn, ελ = products(√α) (away from every boundary)."""
        found = []
        for _ in range(count):
            lam, alpha = pick(rng, 0.5, 10.0, 2), pick(rng, *alphas, 2)
            found.append((lam, lr_for(products(math.sqrt(alpha)), lam), alpha))
        return found

    def critical(edge: int) -> list[tuple[float, float, float]]:
        """ελ = (1 ∓ √α)² exactly, in binary fractions that floats hold exactly: a double
        root z = ±√α (critical damping), which a right answer finds to about 1e-8."""
        found = []
        for _ in range(3):
            s = int(rng.integers(1, 8)) / 8
            lr = float(rng.choice([0.125, 0.25, 0.5]))
            found.append(((1 + edge * s) ** 2 / lr, lr, s * s))
        return found

    def between(low: float, high: float) -> float:
        return low + float(rng.uniform(0.15, 0.85)) * (high - low)

    return [
        _rate_case("for complex eigenvalues ((1 − √α)² < ελ < (1 + √α)²)",
                   regime(4, (0.2, 0.95), lambda s: between((1 - s) ** 2, (1 + s) ** 2))),
        _rate_case("for real positive eigenvalues (ελ < (1 − √α)²)",
                   regime(4, (0.05, 0.6), lambda s: between(0.0, (1 - s) ** 2))),
        _rate_case("for real negative eigenvalues ((1 + √α)² < ελ < 2(1 + α))",
                   # α ≤ 0.7: the window (1 − √α)² wide stays wider than the rounding of ε
                   regime(4, (0.2, 0.7), lambda s: between((1 + s) ** 2, 2 * (1 + s * s)))),
        _rate_case("beyond the stability limit (ελ > 2(1 + α))",
                   regime(3, (0.1, 0.9), lambda s: 2 * (1 + s * s) * float(rng.uniform(1.1, 1.6)))),
        _rate_case("for α = 0 (gradient descent)",
                   [(pick(rng, 0.5, 10.0, 2), pick(rng, 0.01, 0.5, 3), 0.0) for _ in range(3)]),
        _rate_case("at critical damping, ελ = (1 − √α)² (a double eigenvalue)", critical(-1), DOUBLE_ROOT_TOLERANCE),
        _rate_case("at critical damping, ελ = (1 + √α)² (a double eigenvalue)", critical(+1), DOUBLE_ROOT_TOLERANCE),
    ]


def check_momentum_rate(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``momentum_rate(lam, lr, alpha) -> float``: the spectral radius of
    M = [[1 − ελ, α], [−ελ, α]], the 2×2 iteration of momentum on f(θ) = ½ λ θ².

    Cases in every regime of its eigenvalues: complex, real positive, real negative,
    diverging, α = 0, and double (critical damping, where rounding of a right answer
    reaches about 1e-8 and is accepted up to :data:`DOUBLE_ROOT_TOLERANCE`).
    Parameters, errors: as :func:`check_momentum_step`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    verify(MOMENTUM_RATE, fn, _rate_cases(seed), reveal)


# --- largest_stable_momentum_lr (predict, then check) -------------------------------------------

LARGEST_STABLE_LR = Exercise(
    name="largest_stable_momentum_lr",
    params=("lam", "alpha"),
    outputs=("lr",),
    reference=optim.largest_stable_momentum_lr,
    formula="the ε at which an eigenvalue of M = [[1 − ελ, α], [−ελ, α]] reaches modulus 1",
    scalar=True,
    mistakes=(
        Mistake("2/λ is gradient descent's limit; momentum's eigenvalues stay inside the unit circle "
                "for larger ε: find where a root of z² − (1 + α − ελ) z + α reaches z = −1",
                lambda lam, alpha: 2 / lam, slug="gradient-descent"),
        Mistake("the effective learning rate ε/(1 − α) of a constant slope does not set the limit "
                "(2(1 − α)/λ is far too cautious): find where a root of z² − (1 + α − ελ) z + α "
                "reaches z = −1",
                lambda lam, alpha: 2 * (1 - alpha) / lam, slug="effective-rate"),
        Mistake("(1 + √α)²/λ is where the eigenvalues turn real again (critical damping), not where "
                "one leaves the unit circle: beyond it they are real and negative, and still inside "
                "until z = −1",
                lambda lam, alpha: (1 + math.sqrt(alpha)) ** 2 / lam, slug="critical-damping"),
        Mistake("2(1 + α)/((1 + 2α)λ) is Nesterov momentum's limit; the book's momentum takes the "
                "gradient at θ",
                lambda lam, alpha: 2 * (1 + alpha) / ((1 + 2 * alpha) * lam), slug="nesterov"),
        Mistake("a factor 2 is missing: the root z = −1 is reached when 1 + (1 + α − ελ) + α = 0",
                lambda lam, alpha: (1 + alpha) / lam, slug="factor-two"),
    ),
)


def _stable_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    pairs = [(pick(rng, 0.1, 20.0, 2), pick(rng, 0.1, 0.99, 2)) for _ in range(6)]
    return [
        Case("for curvatures λ and momentum parameters α", pairs[0], steps=len(pairs),
             advance=lambda k, args, out: pairs[k]),
        Case("for α = 0 (gradient descent)", (pick(rng, 0.1, 20.0, 2), 0.0)),
    ]


def check_largest_stable_momentum_lr(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``largest_stable_momentum_lr(lam, alpha) -> float``: 2(1 + α)/λ, the largest
    ε at which momentum converges on f(θ) = ½ λ θ².

    Parameters, errors: as :func:`check_momentum_step`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    verify(LARGEST_STABLE_LR, fn, _stable_cases(seed), reveal)


# --- optimal_momentum ------------------------------------------------------------------


def _optimal(lam_min: float, lam_max: float, power: float = 0.5, squared: bool = True) -> tuple[float, float]:
    """(ε*, α) with α = ((κ^p − 1)/(κ^p + 1))^(2 if squared else 1)."""
    lr, _ = optim.optimal_momentum(lam_min, lam_max)
    root = (lam_max / lam_min) ** power
    ratio = (root - 1) / (root + 1)
    return lr, ratio**2 if squared else ratio


OPTIMAL_MOMENTUM = Exercise(
    name="optimal_momentum",
    params=("lam_min", "lam_max"),
    outputs=("lr", "alpha"),
    reference=optim.optimal_momentum,
    formula="the ε and α that put ελ_min and ελ_max on the edges (1 − √α)² and (1 + √α)² of the complex region",
    scalar=True,
    mistakes=(
        Mistake("α is not squared: (√κ − 1)/(√κ + 1) is the rate √α; α itself is its square",
                lambda lam_min, lam_max: _optimal(lam_min, lam_max, squared=False), slug="alpha-not-squared"),
        Mistake("κ is used where √κ belongs: ((κ − 1)/(κ + 1))² squares gradient descent's rate; "
                "√(ελ) = 1 ± √α gives α = ((√κ − 1)/(√κ + 1))²",
                lambda lam_min, lam_max: _optimal(lam_min, lam_max, power=1.0), slug="kappa-not-sqrt"),
        Mistake("ε = 2/(λ_min + λ_max) is gradient descent's best step; with momentum, "
                "√(ελ_min) + √(ελ_max) = 2 gives ε = 4/(√λ_max + √λ_min)²",
                lambda lam_min, lam_max: (2 / (lam_min + lam_max), _optimal(lam_min, lam_max)[1]),
                slug="gradient-descent-step"),
        Mistake("the square roots are taken after adding: ε = 4/(√λ_max + √λ_min)², not 4/(λ_max + λ_min)",
                lambda lam_min, lam_max: (4 / (lam_min + lam_max), _optimal(lam_min, lam_max)[1]),
                slug="roots-after-sum"),
    ),
)


def _optimal_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    spread = []
    for _ in range(5):
        lam_min = pick(rng, 0.05, 2.0, 3)
        spread.append((lam_min, round(lam_min * float(10 ** rng.uniform(0.5, 4.0)), 3)))
    equal = pick(rng, 0.1, 10.0, 2)
    return [
        Case("for eigenvalues spread over [λ_min, λ_max]", spread[0], steps=len(spread),
             advance=lambda k, args, out: spread[k]),
        # κ = 1: α* = 0 exactly, where a right answer may leave a rounding error of 1e-16.
        Case("for λ_min = λ_max (κ = 1)", (equal, equal), tolerance=DOUBLE_ROOT_TOLERANCE),
    ]


def check_optimal_momentum(fn: Callable, seed: int = 0, reveal: bool = True) -> None:
    """Check a student's ``optimal_momentum(lam_min, lam_max) -> (lr, alpha)``:
    ε* = 4/(√λ_max + √λ_min)² and α* = ((√κ − 1)/(√κ + 1))².

    Parameters, errors: as :func:`check_momentum_step`.
    """
    __tracebackhide__ = True  # IPython shows the student's frames, not the checker's
    verify(OPTIMAL_MOMENTUM, fn, _optimal_cases(seed), reveal)


__all__ = ["check_largest_stable_momentum_lr", "check_momentum_rate", "check_momentum_step", "check_nesterov_step",
           "check_optimal_momentum", "check_terminal_velocity"]
