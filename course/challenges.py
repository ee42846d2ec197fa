"""Reference code of lectures 01 and 02: what makes learning differ from pure optimization,
and what makes neural-network optimization hard.

Lecture 01: :func:`minibatch_gradient` (the gradient of the logistic loss on a
minibatch) and :func:`early_stopping_step` (the book's early-stopping rule).
Lecture 02: :func:`step_increases_cost` (the second-order test of a gradient step),
:func:`hessian_eigs` (the Hessian of the saddle (1 − w₁w₂)² and its eigenpairs),
:func:`eigen_factors` (gradient descent in the eigenbasis of H), :class:`Cliff` and
:func:`descend` (a loss with a cliff, with and without gradient clipping) and
:func:`power_norms` (‖Wᵗv‖, the products behind vanishing and exploding gradients).

The array functions are array-API generic: they compute with the namespace of
their inputs (:func:`course.backend.get_namespace`), on NumPy, CuPy or any
array-API library.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from course import validation as check
from course.backend import get_namespace
from course.optim import clip_by_norm
from course.problems import saddle

__all__ = [
    "Cliff",
    "descend",
    "early_stopping_step",
    "eigen_factors",
    "hessian_eigs",
    "minibatch_gradient",
    "power_norms",
    "sigmoid",
    "step_increases_cost",
]


# --- Lecture 01 ---------------------------------------------------------------------


def sigmoid(z: Any) -> Any:
    """σ(z) = 1 / (1 + e^(−z)), evaluated without overflow for any z."""
    xp = get_namespace(z)
    e = xp.exp(-xp.abs(z))
    return xp.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def minibatch_gradient(X: Any, y: Any, theta: Any, idx: Any) -> Any:
    r"""The gradient of the mean logistic loss over the rows ``idx``.

    With labels yᵢ ∈ {0, 1}, zᵢ = xᵢᵀθ and the per-example loss
    L(xᵢ, yᵢ; θ) = −yᵢ log σ(zᵢ) − (1 − yᵢ) log(1 − σ(zᵢ)),

    ĝ = (1/m) Σ_{i ∈ idx} ∇_θ L(xᵢ, yᵢ; θ) = (1/m) Σ_{i ∈ idx} (σ(xᵢᵀθ) − yᵢ) xᵢ,

    m being the number of rows in ``idx``: an unbiased estimate of the
    gradient over all N examples when the rows are drawn at random.

    Parameters
    ----------
    X : array, shape (N, n)
        The examples, one per row.
    y : array, shape (N,)
        Their labels, 0.0 or 1.0.
    theta : array, shape (n,)
        The parameters θ.
    idx : array of int, shape (m,)
        The rows of the minibatch (NumPy integers; any library's X).

    Returns
    -------
    array, shape (n,)
        ĝ, in the dtype of θ.
    """
    xp = get_namespace(X, y, theta)
    rows = xp.asarray(np.asarray(idx, dtype=np.int64))
    Xb, yb = xp.take(X, rows, axis=0), xp.take(y, rows, axis=0)
    return (sigmoid(Xb @ theta) - yb) @ Xb / Xb.shape[0]


def early_stopping_step(val_losses: Sequence[float], patience: int) -> tuple[bool, int]:
    """The book's early-stopping rule, applied after each validation evaluation.

    The best step is the first one with the smallest validation loss so far
    (a loss equal to the best is no improvement). Training stops when the last
    ``patience`` evaluations did not improve on it, i.e. when
    ``len(val_losses) − 1 − best_step ≥ patience``; the parameters to keep
    are those of ``best_step``.

    Parameters
    ----------
    val_losses : sequence of float
        The validation losses of evaluations 0, 1, …, so far (at least one).
    patience : int
        p ≥ 1, how many evaluations without improvement end training.

    Returns
    -------
    stop : bool
        Whether to stop now.
    best_step : int
        The index in ``val_losses`` of the best evaluation.
    """
    patience = check.integer("patience", patience, minimum=1)
    losses = [float(v) for v in val_losses]
    if not losses:
        raise ValueError("val_losses is empty: evaluate at least once")
    best_step = 0
    for step, loss in enumerate(losses):
        if loss < losses[best_step]:
            best_step = step
    return len(losses) - 1 - best_step >= patience, best_step


# --- Lecture 02 ---------------------------------------------------------------------


def step_increases_cost(g: Any, H: Any, eps: float) -> bool:
    """Whether the step θ ← θ − εg increases the cost, by the second-order Taylor test.

    f(θ − εg) ≈ f(θ) − ε gᵀg + ½ ε² gᵀHg, so the step increases the cost when
    ½ ε² gᵀHg > ε gᵀg (with ε > 0: when ε > 2 gᵀg / gᵀHg and gᵀHg > 0).

    Parameters
    ----------
    g : array, shape (n,)
        The gradient g at θ.
    H : array, shape (n, n)
        The Hessian H at θ.
    eps : float
        The learning rate ε > 0.
    """
    xp = get_namespace(g, H)
    eps = check.positive("eps", eps)
    gg = float(xp.sum(g * g))
    gHg = float(xp.sum(g * (H @ g)))
    return 0.5 * eps**2 * gHg > eps * gg


def hessian_eigs(w1: float, w2: float, xp: Any = None) -> tuple[Any, Any]:
    """The eigenvalues and eigenvectors of the Hessian of L(w₁, w₂) = (1 − w₁w₂)².

    ∇²L = [[2w₂², 4w₁w₂ − 2], [4w₁w₂ − 2, 2w₁²]] (:data:`course.problems.saddle`).
    At the saddle (0, 0) the eigenvalues are −2 and 2: moving along the
    eigenvector (1, 1)/√2 of −2 lowers L.

    Parameters
    ----------
    w1, w2 : float
        The point (w₁, w₂).
    xp : module, optional
        Array module of the result (default: the course backend).

    Returns
    -------
    lam : array, shape (2,)
        The eigenvalues λ₁ ≤ λ₂, ascending.
    U : array, shape (2, 2)
        The unit eigenvectors as columns, U[:, i] for λᵢ, each signed so that
        its first component that is not zero is positive.
    """
    xp = get_namespace(xp.zeros(0)) if xp is not None else get_namespace()
    w = xp.asarray([float(w1), float(w2)], dtype=xp.float64)
    lam, U = xp.linalg.eigh(saddle.hessian(w))
    first = xp.where(xp.abs(U[0, :]) > 1e-12, U[0, :], U[1, :])
    return lam, U * (1.0 - 2.0 * xp.astype(first < 0, U.dtype))


def eigen_factors(lam: Any, eps: float, steps: int) -> Any:
    r"""(1 − ελᵢ)^τ for τ = 0, 1, …, ``steps``: gradient descent on a quadratic in the eigenbasis.

    On f(θ) = ½ θᵀHθ, with θ = Σᵢ αᵢ uᵢ in the eigenvectors uᵢ of H, a step
    θ ← θ − εHθ multiplies each coordinate by 1 − ελᵢ, so αᵢ^τ = (1 − ελᵢ)^τ αᵢ⁰.

    Returns
    -------
    array, shape (steps + 1, n)
        Row τ holds the factors (1 − ελᵢ)^τ of every eigenvalue λᵢ of ``lam``.
    """
    xp = get_namespace(lam)
    steps = check.integer("steps", steps, minimum=0)
    tau = xp.reshape(xp.arange(steps + 1, dtype=lam.dtype), (-1, 1))
    return (1.0 - eps * lam) ** tau


def power_norms(W: Any, v: Any, steps: int) -> Any:
    """‖Wᵗ v‖ for t = 0, 1, …, ``steps``, by repeated multiplication.

    With W = V diag(λ) V⁻¹, Wᵗ = V diag(λ)ᵗ V⁻¹: the norms vanish when every
    |λᵢ| < 1 and explode when some |λᵢ| > 1.
    """
    xp = get_namespace(W, v)
    steps = check.integer("steps", steps, minimum=0)
    norms = [xp.linalg.vector_norm(v)]
    for _ in range(steps):
        v = W @ v
        norms.append(xp.linalg.vector_norm(v))
    return xp.stack(norms)


class Cliff:
    r"""A one-parameter loss with a cliff: f(w) = ½ a (w − c)² + h σ(s w).

    A bowl with its minimum near w = c < 0, and a step of height h at w = 0
    (the plateau w > 0 is h higher), whose face is about 4/s wide. On the face
    the gradient reaches about h s / 4, so an ordinary gradient step there
    catapults w far away; clipping the gradient's norm keeps the step short.

    Functions of arrays of w (any shape, elementwise).
    """

    def __init__(self, a: float = 0.3, c: float = -3.0, height: float = 10.0, sharpness: float = 10.0) -> None:
        self.a = check.positive("a", a)
        self.c = float(c)
        self.height = check.positive("height", height)
        self.sharpness = check.positive("sharpness", sharpness)

    def value(self, w: Any) -> Any:
        """f(w) = ½ a (w − c)² + h σ(s w)."""
        return 0.5 * self.a * (w - self.c) ** 2 + self.height * sigmoid(self.sharpness * w)

    def grad(self, w: Any) -> Any:
        """f′(w) = a (w − c) + h s σ(s w)(1 − σ(s w))."""
        s = sigmoid(self.sharpness * w)
        return self.a * (w - self.c) + self.height * self.sharpness * s * (1.0 - s)


def descend(cliff: Cliff, w0: Any, lr: float, steps: int, max_norm: float | None = None) -> Any:
    """The iterates w₀, w₁, … of gradient descent w ← w − ε g on ``cliff``, with g clipped
    to the norm ``max_norm`` (:func:`course.optim.clip_by_norm`) unless it is None.

    Returns
    -------
    array, shape (steps + 1,) + w0.shape
        The iterates, the start first.
    """
    xp = get_namespace(w0)
    lr = check.positive("lr", lr)
    steps = check.integer("steps", steps, minimum=0)
    w, iterates = w0, [w0]
    for _ in range(steps):
        g = cliff.grad(w)
        w = w - lr * (g if max_norm is None else clip_by_norm(g, max_norm))
        iterates.append(w)
    return xp.stack(iterates)
