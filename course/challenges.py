"""Reference code of lectures 01 and 02: what makes learning differ from pure optimization,
and what makes neural-network optimization hard.

Lecture 01: :func:`minibatch_gradient` (the gradient of the logistic loss on a
minibatch), :func:`batch_size_for_error` (the batch that brings the standard error
σ/√m down to a target) and :func:`early_stopping_step` (the book's early-stopping rule).
Lecture 02: :func:`step_increases_cost` (the second-order test of a gradient step),
:func:`largest_stable_lr` (2/λ_max, the stability limit of gradient descent on a
quadratic), :func:`eigen_factors` (gradient descent in the eigenbasis of H),
:func:`weight_space_symmetry` (a trained network, a copy with its hidden units
permuted, and the loss between them), :func:`hessian_eigs` (the Hessian of the saddle
(1 − w₁w₂)² and its eigenpairs), :func:`saddle_descent` (gradient descent near that
saddle, from its stable manifold or off it, with gradient noise), :class:`Cliff` and
:func:`descend` (a loss with a cliff, with and without gradient clipping) and
:func:`power_norms` (‖W_t ⋯ W_1 v‖, the products behind vanishing and exploding gradients).

The array functions are array-API generic: they compute with the namespace of
their inputs (:func:`course.backend.get_namespace`), on NumPy, CuPy or any
array-API library.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from course import validation as check
from course.backend import get_namespace, to_numpy
from course.optim import clip_by_norm
from course.problems import saddle

__all__ = [
    "Cliff",
    "SymmetryProfiles",
    "batch_size_for_error",
    "descend",
    "early_stopping_step",
    "eigen_factors",
    "hessian_eigs",
    "largest_stable_lr",
    "minibatch_gradient",
    "power_norms",
    "product_norms",
    "saddle_descent",
    "sigmoid",
    "step_increases_cost",
    "weight_space_symmetry",
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


def batch_size_for_error(sigma: float, error: float) -> int:
    """The smallest minibatch size m whose gradient estimate has a standard error ≤ ``error``.

    A component of ĝ is the mean of m independent per-example gradients of standard
    deviation σ; variances of independent terms add, so Var(ĝⱼ) = mσ²/m² = σ²/m and
    the standard error is σ/√m. The smallest m with σ/√m ≤ error is
    m = ⌈(σ/error)²⌉ (at least 1): 10 times less noise costs 100 times the examples.

    Parameters
    ----------
    sigma : float
        σ > 0, the standard deviation of one example's gradient (component).
    error : float
        The standard error wanted, > 0.

    Returns
    -------
    int
        m ≥ 1.
    """
    sigma = check.positive("sigma", sigma)
    error = check.positive("error", error)
    m = max(1, math.ceil((sigma / error) ** 2))
    while m > 1 and sigma / math.sqrt(m - 1) <= error:  # (σ/error)² rounded up past an integer
        m -= 1
    return m


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


def largest_stable_lr(H: Any) -> float:
    """The largest learning rate for which gradient descent on ½ θᵀHθ converges: 2/λ_max(H).

    In the eigenbasis of H a step multiplies the coordinate along the eigenvector
    of λᵢ by 1 − ελᵢ. Every coordinate shrinks if and only if |1 − ελᵢ| < 1 for
    all i, i.e. 0 < ε < 2/λᵢ for all i: ε < 2/λ_max. (At ε = 2/λ_max the steepest
    coordinate flips sign forever without shrinking.)

    Parameters
    ----------
    H : array, shape (n, n)
        A symmetric positive-definite matrix (the Hessian).

    Returns
    -------
    float
        2 / λ_max(H).

    Raises
    ------
    ValueError
        If H is not square, or not positive definite (then no ε converges from every start).
    """
    xp = check.float_arrays(H=H)
    if H.ndim != 2 or H.shape[0] != H.shape[1]:
        raise ValueError(f"H must be a square matrix, got shape {tuple(H.shape)}")
    lam = xp.linalg.eigvalsh(H)
    if float(lam[0]) <= 0:
        raise ValueError(f"H must be positive definite, its smallest eigenvalue is {float(lam[0]):.3g}: "
                         "along its eigenvector gradient descent moves away for every ε > 0")
    return 2.0 / float(lam[-1])


@dataclass(frozen=True)
class SymmetryProfiles:
    """What :func:`weight_space_symmetry` measures (NumPy arrays, Python floats).

    ``loss`` and ``permuted_loss``: the training loss of the trained network θ and of
    its copy π(θ) with the hidden units permuted; ``distance``: ‖θ − π(θ)‖, next to
    ``norm`` = ‖θ‖; ``t``, ``segment``: the loss at (1 − t) θ + t π(θ);
    ``alpha``, ``rescaled``: the loss when one hidden unit's incoming weights and bias
    are multiplied by α and its outgoing weights divided by α; ``curvature``: the
    second derivative of the loss along that unit's incoming weights (a unit vector
    in them) at each α; ``hidden``: the number of hidden units (hidden! permutations
    in all).
    """

    loss: float
    permuted_loss: float
    distance: float
    norm: float
    t: np.ndarray
    segment: np.ndarray
    alpha: np.ndarray
    rescaled: np.ndarray
    curvature: np.ndarray
    hidden: int


def weight_space_symmetry(hidden: int = 8, steps: int = 300, points: int = 41, seed: int = 0,
                          xp: Any = None) -> SymmetryProfiles:
    """Two symmetries of a trained ReLU network, measured.

    A network 2 → ``hidden`` ReLU units → 3 classes (:func:`course.nn.mlp`) is trained
    by Adam on 150 points of three spirals (:func:`course.data.spirals`). Permuting
    its hidden units (the columns of W₁ and entries of b₁, with the rows of W₂)
    gives another parameter vector π(θ) that computes the same function: the same
    loss, far away. On the straight segment between them the loss rises: two
    separate minima of equal cost. Rescaling one unit (incoming weights and bias
    times α > 0, outgoing weights divided by α) leaves the loss unchanged for
    every α: a curve of minima, along which the Hessian has a zero eigenvalue; yet
    the curvature along the unit's incoming weights changes like 1/α², so how sharp
    a minimum looks depends on the parametrization, not only on the function.

    Parameters
    ----------
    hidden : int
        Hidden units, ≥ 2.
    steps : int
        Adam steps of training (full batch).
    points : int
        Points of each profile.
    seed : int
        Seed of the data, the initial weights and the permutation.
    xp : module, optional
        Array module of the network (default: the course backend).
    """
    from course.data import spirals
    from course.nn import mlp, train
    from course.optim import Adam

    hidden = check.integer("hidden", hidden, minimum=2)
    steps = check.integer("steps", steps, minimum=1)
    points = check.integer("points", points, minimum=2)
    X, y = spirals(50, 3, noise=0.1, seed=seed, xp=xp)
    model = mlp((2, hidden, 3), activation="relu", seed=seed, xp=xp)
    train(model, X, y, Adam(0.02), steps)
    first, last = model.layers[0], model.layers[-1]
    W1, b1, W2, b2 = (to_numpy(a).copy() for a in (first.W, first.b, last.W, last.b))
    rng = np.random.default_rng(seed)
    order = rng.permutation(hidden)
    perm = np.empty(hidden, dtype=int)
    perm[order] = np.roll(order, -1)  # one cycle through all units: none keeps its place

    def loss(w1: np.ndarray, c1: np.ndarray, w2: np.ndarray) -> float:
        first.W, first.b, last.W = (model.xp.asarray(a) for a in (w1, c1, w2))
        last.b = model.xp.asarray(b2)
        return float(model.compute_gradients(X, y))

    def flat(w1: np.ndarray, c1: np.ndarray, w2: np.ndarray) -> np.ndarray:
        return np.concatenate([w1.ravel(), c1.ravel(), w2.ravel(), b2.ravel()])

    P1, c1p, P2 = W1[:, perm], b1[perm], W2[perm, :]
    t = np.linspace(0.0, 1.0, points)
    segment = np.array([loss((1 - s) * W1 + s * P1, (1 - s) * b1 + s * c1p, (1 - s) * W2 + s * P2) for s in t])
    alpha = np.geomspace(0.25, 4.0, points)
    unit = int(np.argmax(np.abs(W2).sum(axis=1)))  # the unit with the largest outgoing weights

    incoming = np.append(W1[:, unit], b1[unit])
    direction = incoming / np.linalg.norm(incoming)

    def rescaled(a: float, s: float = 0.0) -> float:
        w1, c1, w2 = W1.copy(), b1.copy(), W2.copy()
        w1[:, unit] = a * W1[:, unit] + s * direction[:-1]
        c1[unit] = a * b1[unit] + s * direction[-1]
        w2[unit, :] /= a
        return loss(w1, c1, w2)

    profile = np.array([rescaled(a) for a in alpha])
    h = 1e-3
    curvature = np.array([(rescaled(a, h) - 2 * rescaled(a) + rescaled(a, -h)) / h**2 for a in alpha])
    theta, permuted = flat(W1, b1, W2), flat(P1, c1p, P2)
    return SymmetryProfiles(
        loss=float(segment[0]), permuted_loss=float(segment[-1]),
        distance=float(np.linalg.norm(theta - permuted)), norm=float(np.linalg.norm(theta)),
        t=t, segment=segment, alpha=alpha, rescaled=profile, curvature=curvature, hidden=hidden,
    )


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


def saddle_descent(w0: Any, lr: float, steps: int, noise: float = 0.0, seed: int = 0) -> Any:
    """The iterates of gradient descent w ← w − ε (∇L(w) + σ ξ_k) on L = (1 − w₁w₂)².

    With σ = ``noise`` > 0 every gradient gets independent N(0, σ²) noise in each
    component, ξ_k drawn from ``numpy.random.default_rng(seed)`` (the same sequence
    for every start, so that runs compare like with like). Without noise, a start
    on the anti-diagonal w₁ = −w₂ (the saddle's stable manifold: ∇L is parallel to
    it there) stays on it and converges to the saddle (0, 0); a start off it by δ
    leaves the saddle along the eigenvector (1, 1)/√2 of λ = −2, its distance from
    the anti-diagonal growing by 1 + 2ε per step near (0, 0).

    Parameters
    ----------
    w0 : array, shape (2,)
        The start.
    lr : float
        ε > 0.
    steps : int
        Number of steps.
    noise : float
        σ ≥ 0.
    seed : int
        Seed of the noise.

    Returns
    -------
    array, shape (steps + 1, 2)
        The iterates, the start first (in the namespace of ``w0``).
    """
    xp = check.float_arrays(w0=w0)
    lr = check.positive("lr", lr)
    steps = check.integer("steps", steps, minimum=0)
    noise = check.non_negative("noise", noise)
    kicks = xp.asarray(noise * np.random.default_rng(seed).standard_normal((max(steps, 1), 2)), dtype=w0.dtype)
    w, iterates = w0, [w0]
    for k in range(steps):
        w = w - lr * (saddle.grad(w) + kicks[k, :])
        iterates.append(w)
    return xp.stack(iterates)


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
    |λᵢ| < 1 and explode when some |λᵢ| > 1 (a recurrent network's product).
    """
    steps = check.integer("steps", steps, minimum=0)
    return product_norms([W] * steps, v)


def product_norms(Ws: Sequence[Any], v: Any) -> Any:
    """‖W_t ⋯ W_2 W_1 v‖ for t = 0, 1, …, len(Ws): a product of different matrices.

    A feedforward network multiplies by a different W_l per layer. The eigenvalues
    of the factors then say little about the product (its norm may grow although
    every factor has spectral radius < 1); the norms of the factors bound it:
    ‖W_t ⋯ W_1 v‖ ≤ ‖W_t‖ ⋯ ‖W_1‖ ‖v‖ (spectral norms).
    """
    xp = get_namespace(v, *Ws)
    norms = [xp.linalg.vector_norm(v)]
    for W in Ws:
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
