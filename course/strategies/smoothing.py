"""Continuation by Gaussian smoothing, with objectives whose blurred versions are exact (lecture 09).

The objectives are sums of three kinds of terms in θ ∈ ℝⁿ,

    J(θ) = ½ a ‖θ − c‖² − Σ_k b_k cos(ω_k·θ + φ_k) − Σ_j d_j exp(−‖θ − μ_j‖² / (2 w_j²)),

a bowl, ripples and Gaussian wells, because each has a closed-form blur: for
z ~ N(0, Iₙ) and J_σ(θ) = E_z[J(θ + σz)] (the book's J⁽ⁱ⁾(θ) = E_{θ′∼N(θ, σᵢ²I)} J(θ′)),

    E[½ a ‖θ + σz − c‖²]                = ½ a ‖θ − c‖² + ½ a n σ²,
    E[cos(ω·(θ + σz) + φ)]              = cos(ω·θ + φ) e^{−‖ω‖²σ²/2},
    E[exp(−‖θ + σz − μ‖²/(2w²))]        = (w²/(w² + σ²))^{n/2} exp(−‖θ − μ‖²/(2(w² + σ²))).

Blurring damps a ripple of frequency ω by e^{−‖ω‖²σ²/2} (fast ripples first) and
widens a well of width w to √(w² + σ²) while making it shallower, so a narrow well
disappears long before the broad shape of J does.

:class:`SmoothedObjective` holds such a J, with ``value``, ``grad`` and ``hessian`` of
J_σ; :func:`ripples`, :func:`two_scales`, :func:`narrow_well` and :func:`egg_crate`
are the landscapes of the lecture. :func:`continuation` descends on J_σ for a sequence
of σ, each level starting where the previous one ended (:func:`continuation_path`
keeps every iterate), and :func:`convexity_sigma` is the σ from which the blur of
½ a θ² − b cos(ωθ) is convex.

The arithmetic uses the array-API namespace of θ.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import array_api_compat

from course import validation as check

__all__ = [
    "SmoothedObjective",
    "continuation",
    "continuation_path",
    "convexity_sigma",
    "egg_crate",
    "narrow_well",
    "ripples",
    "two_scales",
]

Array = Any
GradFn = Callable[[Array, float], Array]


def _vector(name: str, values: Any, length: int | None = None) -> tuple[float, ...]:
    """``values`` as a tuple of finite floats (of ``length`` entries if given)."""
    if isinstance(values, numbers.Real):
        values = (values,)
    try:
        out = tuple(check._real(f"{name}[{i}]", v) for i, v in enumerate(values))
    except TypeError as exc:
        if "not iterable" in str(exc):
            raise TypeError(f"{name} must be a sequence of numbers, got {type(values).__name__}") from None
        raise
    if length is not None and len(out) != length:
        raise ValueError(f"{name} must have {length} entries, got {len(out)}")
    return out


def _matrix(name: str, rows: Any, n: int) -> tuple[tuple[float, ...], ...]:
    """``rows`` as a tuple of rows of n finite floats."""
    return tuple(_vector(f"{name}[{i}]", row, n) for i, row in enumerate(rows))


class SmoothedObjective:
    """J(θ) = ½ a ‖θ − c‖² − Σ_k b_k cos(ω_k·θ + φ_k) − Σ_j d_j exp(−‖θ − μ_j‖²/(2w_j²)), and its blur J_σ.

    Parameters
    ----------
    dim : int
        n, the dimension of θ.
    a : float
        Curvature a ≥ 0 of the bowl.
    center : sequence of float, optional
        c (n numbers; default 0).
    amplitudes, frequencies, phases : sequences, optional
        The ripples: b_k, ω_k (each n numbers) and φ_k (default 0).
    depths, centers, widths : sequences, optional
        The wells: d_j, μ_j (each n numbers) and w_j > 0.

    Every method takes θ of shape (..., n), a float array of any array-API library
    (one point, or a batch of points along the leading axes), and σ ≥ 0.
    """

    def __init__(
        self,
        dim: int,
        a: float,
        center: Sequence[float] | None = None,
        amplitudes: Sequence[float] = (),
        frequencies: Sequence[Sequence[float]] = (),
        phases: Sequence[float] | None = None,
        depths: Sequence[float] = (),
        centers: Sequence[Sequence[float]] = (),
        widths: Sequence[float] = (),
    ) -> None:
        self.dim = n = check.integer("dim", dim, 1)
        self.a = check.non_negative("a", a)
        self.center = _vector("center", (0.0,) * n if center is None else center, n)
        self.amplitudes = _vector("amplitudes", amplitudes)
        k = len(self.amplitudes)
        self.frequencies = _matrix("frequencies", frequencies, n)
        if len(self.frequencies) != k:
            raise ValueError(f"frequencies must have one row per amplitude ({k}), got {len(self.frequencies)}")
        self.phases = _vector("phases", (0.0,) * k if phases is None else phases, k)
        self.depths = _vector("depths", depths)
        m = len(self.depths)
        self.centers = _matrix("centers", centers, n)
        if len(self.centers) != m:
            raise ValueError(f"centers must have one row per depth ({m}), got {len(self.centers)}")
        self.widths = tuple(check.positive(f"widths[{j}]", w) for j, w in enumerate(_vector("widths", widths, m)))

    def __repr__(self) -> str:
        return (f"SmoothedObjective(dim={self.dim}, a={self.a:g}, {len(self.amplitudes)} ripples, "
                f"{len(self.depths)} wells)")

    # --- helpers
    def _check(self, theta: Array, sigma: float) -> tuple[Any, float]:
        xp = check.float_arrays(theta=theta)
        if theta.ndim < 1 or theta.shape[-1] != self.dim:
            raise ValueError(f"theta must have shape (..., {self.dim}), got {tuple(theta.shape)}")
        return xp, check.non_negative("sigma", sigma)

    @staticmethod
    def _array(xp: Any, values: Any, like: Array) -> Array:
        return xp.asarray(values, dtype=like.dtype, device=array_api_compat.device(like))

    def _ripples(self, xp: Any, theta: Array, sigma: float) -> tuple[Array, Array, Array] | None:
        """(Ω, phases ω_k·θ + φ_k of shape (..., K), damped amplitudes b_k e^{−‖ω_k‖²σ²/2}), or None."""
        if not self.amplitudes:
            return None
        omega = self._array(xp, self.frequencies, theta)  # (K, n)
        phase = theta @ xp.matrix_transpose(omega) + self._array(xp, self.phases, theta)
        damping = [b * math.exp(-0.5 * sigma**2 * sum(w * w for w in row))
                   for b, row in zip(self.amplitudes, self.frequencies)]
        return omega, phase, self._array(xp, damping, theta)

    def _wells(self, xp: Any, theta: Array, sigma: float) -> tuple[Array, Array, Array] | None:
        """(θ − μ_j of shape (..., M, n), blurred well values s_j d_j exp(−‖θ − μ_j‖²/(2v_j)), v_j = w_j² + σ²)."""
        if not self.depths:
            return None
        variance = [w * w + sigma * sigma for w in self.widths]
        scale = [d * (w * w / v) ** (self.dim / 2) for d, w, v in zip(self.depths, self.widths, variance)]
        diff = theta[..., None, :] - self._array(xp, self.centers, theta)  # (..., M, n)
        v = self._array(xp, variance, theta)
        values = self._array(xp, scale, theta) * xp.exp(-xp.sum(diff * diff, axis=-1) / (2 * v))
        return diff, values, v

    # --- J_σ and its derivatives
    def value(self, theta: Array, sigma: float = 0.0) -> Array:
        """J_σ(θ), of shape θ.shape[:-1] (σ = 0: J itself)."""
        xp, sigma = self._check(theta, sigma)
        r = theta - self._array(xp, self.center, theta)
        out = 0.5 * self.a * (xp.sum(r * r, axis=-1) + self.dim * sigma**2)
        ripples = self._ripples(xp, theta, sigma)
        if ripples is not None:
            _, phase, damped = ripples
            out = out - xp.sum(damped * xp.cos(phase), axis=-1)
        wells = self._wells(xp, theta, sigma)
        if wells is not None:
            out = out - xp.sum(wells[1], axis=-1)
        return out

    def grad(self, theta: Array, sigma: float = 0.0) -> Array:
        """∇J_σ(θ) = a(θ − c) + Σ_k b_k e^{−‖ω_k‖²σ²/2} sin(ω_k·θ + φ_k) ω_k
        + Σ_j (blurred well j)(θ − μ_j)/(w_j² + σ²), shaped like θ."""
        xp, sigma = self._check(theta, sigma)
        out = self.a * (theta - self._array(xp, self.center, theta))
        ripples = self._ripples(xp, theta, sigma)
        if ripples is not None:
            omega, phase, damped = ripples
            out = out + (damped * xp.sin(phase)) @ omega
        wells = self._wells(xp, theta, sigma)
        if wells is not None:
            diff, values, v = wells
            out = out + xp.sum((values / v)[..., None] * diff, axis=-2)
        return out

    def hessian(self, theta: Array, sigma: float = 0.0) -> Array:
        """∇²J_σ(θ), of shape (..., n, n): a I + Σ_k b_k e^{−‖ω_k‖²σ²/2} cos(ω_k·θ + φ_k) ω_k ω_kᵀ
        + Σ_j (blurred well j) (I/v_j − (θ − μ_j)(θ − μ_j)ᵀ/v_j²), v_j = w_j² + σ²."""
        xp, sigma = self._check(theta, sigma)
        eye = xp.eye(self.dim, dtype=theta.dtype, device=array_api_compat.device(theta))
        out = self.a * eye + xp.zeros((*theta.shape, self.dim), dtype=theta.dtype,
                                      device=array_api_compat.device(theta))
        ripples = self._ripples(xp, theta, sigma)
        if ripples is not None:
            omega, phase, damped = ripples
            outer = omega[:, :, None] * omega[:, None, :]  # (K, n, n)
            out = out + xp.sum((damped * xp.cos(phase))[..., None, None] * outer, axis=-3)
        wells = self._wells(xp, theta, sigma)
        if wells is not None:
            diff, values, v = wells
            v = v[:, None, None]
            outer = diff[..., :, None] * diff[..., None, :]  # (..., M, n, n)
            out = out + xp.sum(values[..., None, None] * (eye / v - outer / (v * v)), axis=-3)
        return out


# --- the landscapes of the lecture ---------------------------------------------------------


def ripples(a: float = 0.5, b: float = 1.0, omega: float = 5.0) -> SmoothedObjective:
    """J(θ) = ½ a θ² − b cos(ωθ) in one dimension: the global minimum at θ = 0 and, when
    bω² > a, local minima near the other multiples of 2π/ω. J_σ is convex from
    σ = :func:`convexity_sigma` (a, b, ω) on (0.56 for the defaults)."""
    return SmoothedObjective(1, a, amplitudes=(b,), frequencies=((omega,),))


def two_scales() -> SmoothedObjective:
    """A 1-D landscape with structure at two scales: a bowl centred at 0.6, a slow ripple
    cos(1.6θ) and a fast one cos(7θ + 1). The global minimum sits near θ = 1.6, in the
    deepest fast dip of the slow ripple's valley; J_σ first shows the bowl, then the slow
    ripple, then the fast dips, so continuation can follow the minimum down the scales."""
    return SmoothedObjective(1, 0.3, center=(0.6,), amplitudes=(0.8, 0.35), frequencies=((1.6,), (7.0,)),
                             phases=(-2.6, 1.0))


def narrow_well() -> SmoothedObjective:
    """Continuation's failure case in 1-D: ½·0.5 θ² − 0.3 cos(5θ) and a narrow, deep well
    of depth 2 and width 0.12 at θ = 2.2, the global minimum. A blur of σ ≳ 0.2 already
    flattens the well (its depth shrinks as w/√(w² + σ²)), so continuation from a large σ
    tracks the broad basin at 0 and never sees it."""
    return SmoothedObjective(1, 0.5, amplitudes=(0.3,), frequencies=((5.0,),), depths=(2.0,), centers=((2.2,),),
                             widths=(0.12,))


def egg_crate() -> SmoothedObjective:
    """A 2-D landscape: a bowl ½·0.3‖θ − (0.4, −0.3)‖² and ripples cos 3θ₁, cos 3θ₂ and
    cos(2θ₁ + 2θ₂ + 0.5): a grid of local minima around the global one near (−0.03, −0.05),
    where the ripples, not the bowl, put it."""
    return SmoothedObjective(2, 0.3, center=(0.4, -0.3), amplitudes=(1.0, 1.0, 0.6),
                             frequencies=((3.0, 0.0), (0.0, 3.0), (2.0, 2.0)), phases=(0.0, 0.0, 0.5))


# --- continuation --------------------------------------------------------------------------


def _check_run(grad: Any, x0: Array, sigmas: Any, lr: float, steps: int) -> tuple[Any, list[float], float, int]:
    if not callable(grad):
        raise TypeError(f"grad must be a function grad(theta, sigma), got {type(grad).__name__}")
    xp = check.float_arrays(x0=x0)
    if isinstance(sigmas, (str, bytes)) or not hasattr(sigmas, "__iter__"):
        raise TypeError(f"sigmas must be a sequence of numbers, got {type(sigmas).__name__}")
    levels = [check.non_negative(f"sigmas[{i}]", s) for i, s in enumerate(sigmas)]
    if not levels:
        raise ValueError("sigmas is empty: give at least one level σ")
    return xp, levels, check.positive("lr", lr), check.integer("steps", steps, 0)


def _descend(xp: Any, grad: GradFn, x: Array, sigma: float, lr: float, steps: int, path: list[Array]) -> Array:
    """``steps`` steps θ ← θ − ε ∇J_σ(θ) from x, each new point appended to ``path``."""
    for _ in range(steps):
        g = grad(x, sigma)
        check.float_arrays(theta=x, g=g)
        x = x - lr * g
        path.append(x)
    return x


def continuation_path(grad: GradFn, x0: Array, sigmas: Sequence[float], lr: float, steps: int) -> Array:
    """Every iterate of :func:`continuation`: x0, then the point after each step.

    Returns
    -------
    array, shape (len(sigmas) · steps + 1, *x0.shape)
        Row i·steps + t is the point after step t of level i (row 0 is x0), so the
        end of level i is row (i + 1)·steps.
    """
    xp, levels, lr, steps = _check_run(grad, x0, sigmas, lr, steps)
    path = [xp.asarray(x0, copy=True)]
    x = path[0]
    for sigma in levels:
        x = _descend(xp, grad, x, sigma, lr, steps, path)
    return xp.stack(path)


def continuation(grad: GradFn, x0: Array, sigmas: Sequence[float], lr: float, steps: int) -> tuple[Array, list[Array]]:
    """Continuation: gradient descent on J_σ for each σ of ``sigmas`` in turn, warm-started.

    For σ = σ₀, σ₁, … in the order given, ``steps`` steps θ ← θ − ε ∇J_σ(θ), where
    ``grad(θ, σ)`` returns ∇J_σ(θ); each level starts where the previous one ended, the
    first at x0. With σ decreasing to 0 the levels go from a blurred, easy objective to J.

    Parameters
    ----------
    grad : callable
        grad(theta, sigma) -> the gradient of J_σ at θ, an array shaped like θ.
    x0 : array
        The start θ₀ (not modified).
    sigmas : sequence of float
        The levels σᵢ ≥ 0, in the order to use them.
    lr : float
        Learning rate ε > 0.
    steps : int
        Gradient steps per level, ≥ 0.

    Returns
    -------
    x : array
        The end of the last level.
    ends : list of array
        The end of each level, new arrays (``ends[-1]`` is x).
    """
    xp, levels, lr, steps = _check_run(grad, x0, sigmas, lr, steps)
    x, ends = x0, []
    for sigma in levels:
        x = _descend(xp, grad, x, sigma, lr, steps, [])
        ends.append(xp.asarray(x, copy=True))
    return ends[-1], ends


def convexity_sigma(a: float, b: float, omega: float) -> float:
    """The smallest σ from which J_σ of J(θ) = ½ a θ² − b cos(ωθ) is convex.

    J_σ(θ) = ½ a θ² + ½ a σ² − b e^{−ω²σ²/2} cos(ωθ), so J_σ''(θ) = a + b ω² e^{−ω²σ²/2}
    cos(ωθ), smallest where cos(ωθ) = −1. J_σ is convex iff b ω² e^{−ω²σ²/2} ≤ a, i.e.

        σ ≥ σ* = √(2 ln(b ω²/a)) / ω   (σ* = 0 when b ω² ≤ a: J is convex already).

    Parameters
    ----------
    a : float
        Curvature of the bowl, > 0.
    b : float
        Amplitude of the ripple, ≥ 0.
    omega : float
        Frequency of the ripple, > 0.
    """
    a, b, omega = check.positive("a", a), check.non_negative("b", b), check.positive("omega", omega)
    ratio = b * omega**2 / a
    return math.sqrt(2.0 * math.log(ratio)) / omega if ratio > 1.0 else 0.0
