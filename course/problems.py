"""Test objectives for the optimizers of the course.

Every objective is an object with

``value(x)`` (also ``obj(x)``)
    f(x) as a 0-d array;
``grad(x)``
    ∇f(x), an array shaped like ``x``;
``hessian(x)``
    ∇²f(x), an ``(n, n)`` array;
``dim``, ``minimizer``, ``name``
    the length of ``x``, the known minimizer as a NumPy array (or ``None``), and a
    title for plots.

The arithmetic uses only the array-API namespace of the input (``xp``), so the
same objective runs on NumPy, CuPy and ``array_api_strict`` arrays. Objectives
that hold data (:class:`Quadratic`, :class:`LogisticRegression`) store it in
one namespace, chosen with ``xp=`` when they are built; ``x`` must then come from
that namespace.

The objectives of the syllabus:

* :func:`ill_conditioned` ``½(x² + b y²)`` (L04–L06),
* :data:`rosenbrock` (L05, L06),
* :data:`saddle` ``(1 − w₁w₂)²`` (L02),
* :func:`coupled_quadratic` ``(x₁ − x₂)² + α(x₁² + x₂²)`` (L08),
* :func:`logistic_regression` for minibatch methods (L01, L03).
"""

from __future__ import annotations

import functools
from typing import Any, Sequence

import array_api_compat
import numpy as np

from course.backend import get_namespace, to_numpy
from course.validation import float_arrays, integer, non_negative, positive

__all__ = [
    "Objective",
    "Quadratic",
    "ill_conditioned",
    "coupled_quadratic",
    "rotated",
    "rotation",
    "Rosenbrock",
    "rosenbrock",
    "Saddle",
    "saddle",
    "LogisticRegression",
    "logistic_regression",
]


def _namespace(xp: Any) -> Any:
    """The array-API namespace for ``xp`` (a module such as ``numpy``), or the default one."""
    if xp is None:
        return get_namespace()
    return get_namespace(xp.zeros(0))


class Objective:
    """Base class: input checks and ``__call__``. Subclasses set ``dim`` and ``name``.

    ``value`` returns a 0-d array, also on NumPy (whose reductions give NumPy scalars).
    """

    dim: int
    name: str
    minimizer: np.ndarray | None = None
    #: Namespace the objective's data live in, or None for an objective without data.
    xp: Any = None

    def _check(self, x: Any, arg: str = "x", batch: bool = False) -> Any:
        """Check that ``x`` is a finite float array of shape ``(dim,)`` (``(m, dim)``
        with ``batch``); return its ``xp``."""
        xp = float_arrays(**{arg: x})
        if batch:
            shape_ok, wanted = x.ndim == 2 and x.shape[1] == self.dim, f"an (m, {self.dim}) array of points"
        else:
            shape_ok, wanted = x.ndim == 1 and x.shape[0] == self.dim, f"a 1-D array of length {self.dim}"
        if not shape_ok:
            raise ValueError(f"{arg} must be {wanted} for {self.name}, got shape {tuple(x.shape)}")
        if self.xp is not None and xp is not self.xp:
            raise TypeError(
                f"{arg} is a {xp.__name__} array, but the data of {self.name} are "
                f"{self.xp.__name__} arrays; build the objective with a matching xp= "
                f"or convert {arg}"
            )
        return xp

    def value(self, x: Any) -> Any:
        raise NotImplementedError

    def values(self, points: Any) -> Any:
        """f at every row of ``points`` (shape ``(m, dim)``), an array of shape ``(m,)``.

        Calls :meth:`value` row by row; objectives whose formula works on a batch
        of points override this (contour plots evaluate thousands of points).
        """
        xp = self._check(points, "points", batch=True)
        return xp.stack([self.value(points[i, :]) for i in range(points.shape[0])])

    def grad(self, x: Any) -> Any:
        raise NotImplementedError

    def hessian(self, x: Any) -> Any:
        raise NotImplementedError

    def __call__(self, x: Any) -> Any:
        return self.value(x)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}, dim={self.dim}>"


class Quadratic(Objective):
    r"""The quadratic f(x) = ½ xᵀAx − bᵀx.

    ∇f(x) = Ax − b and ∇²f(x) = A. When A is positive definite the unique
    minimizer is x* = A⁻¹b.

    Parameters
    ----------
    A : array, shape (n, n)
        Symmetric float matrix.
    b : array, shape (n,), optional
        Linear term, zeros if omitted. Must share A's namespace.
    name : str, optional
        Title for plots.

    Attributes
    ----------
    eigenvalues : numpy.ndarray
        Eigenvalues of A in ascending order (so the condition number is
        ``eigenvalues[-1] / eigenvalues[0]`` and GD diverges for lr > 2/λ_max).
    minimizer : numpy.ndarray or None
        A⁻¹b if A is positive definite, else None.
    """

    def __init__(self, A: Any, b: Any | None = None, name: str | None = None) -> None:
        xp = float_arrays(A=A)
        if A.ndim != 2 or A.shape[0] != A.shape[1] or A.shape[0] < 1:
            raise ValueError(f"A must be a square matrix, got shape {tuple(A.shape)}")
        n = A.shape[0]
        A_np = np.asarray(to_numpy(A), dtype=np.float64)
        scale = max(1.0, float(np.max(np.abs(A_np))))
        if not np.allclose(A_np, A_np.T, rtol=0.0, atol=1e-10 * scale):
            raise ValueError("A must be symmetric (A == A.T)")
        if b is None:
            b = xp.zeros(n, dtype=A.dtype, device=array_api_compat.device(A))
        else:
            float_arrays(b=b)
            if get_namespace(b) is not xp:
                raise TypeError("b must be an array of the same library as A")
            if b.shape != (n,):
                raise ValueError(f"b must have shape ({n},) to match A, got {tuple(b.shape)}")
        self.A, self.b, self.xp, self.dim = A, b, xp, n
        self.name = name or "½ xᵀAx − bᵀx"
        self.eigenvalues = np.linalg.eigvalsh(A_np)
        if self.eigenvalues[0] > 0:
            self.minimizer = np.linalg.solve(A_np, np.asarray(to_numpy(b), dtype=np.float64))
        else:
            self.minimizer = None

    @classmethod
    def from_eigenvalues(
        cls, eigenvalues: Sequence[float], seed: int | None = None, xp: Any = None
    ) -> "Quadratic":
        """Quadratic ½ xᵀAx with A = Q diag(eigenvalues) Qᵀ and b = 0.

        ``seed=None`` gives Q = I (a diagonal A); an integer seed gives a random
        orthogonal Q, so the eigenvectors are not the coordinate axes.
        ``xp`` is the array module for A (default: the course backend).
        """
        lam = np.asarray(eigenvalues, dtype=np.float64)
        if lam.ndim != 1 or lam.size < 1:
            raise ValueError("eigenvalues must be a non-empty 1-D sequence of numbers")
        if seed is None:
            A = np.diag(lam)
        else:
            Q, R = np.linalg.qr(np.random.default_rng(seed).standard_normal((lam.size,) * 2))
            Q = Q * np.sign(np.diag(R))
            A = (Q * lam) @ Q.T
            A = (A + A.T) / 2
        xp = _namespace(xp)
        name = f"½ xᵀAx, κ = {lam.max() / lam.min():.3g}" if lam.min() > 0 else "½ xᵀAx"
        return cls(xp.asarray(A, dtype=xp.float64), name=name)

    def _f(self, xp: Any, x: Any) -> Any:
        """½ xᵀAx − bᵀx over the last axis of ``x`` (A is symmetric)."""
        return 0.5 * xp.sum((x @ self.A) * x, axis=-1) - x @ self.b

    def value(self, x: Any) -> Any:
        xp = self._check(x)
        return xp.asarray(self._f(xp, x))

    def values(self, points: Any) -> Any:
        return self._f(self._check(points, "points", batch=True), points)

    def grad(self, x: Any) -> Any:
        self._check(x)
        return self.A @ x - self.b

    def hessian(self, x: Any) -> Any:
        self._check(x)
        return self.A


def ill_conditioned(b: float, xp: Any = None) -> Quadratic:
    """The quadratic f(x, y) = ½(x² + b y²) of the exact-line-search exercise (L06).

    A = diag(1, b), no linear term, minimizer (0, 0), condition number 1/b
    (for the syllabus' 0 < b ≤ 1; any b > 0 is accepted).

    Parameters
    ----------
    b : float
        Curvature along y, > 0.
    xp : module, optional
        Array module for A (default: the course backend).
    """
    b = positive("b", b)
    xp = _namespace(xp)
    A = xp.asarray([[1.0, 0.0], [0.0, b]], dtype=xp.float64)
    return Quadratic(A, name=f"½(x² + {b:g} y²)")


def coupled_quadratic(alpha: float, xp: Any = None) -> Quadratic:
    """f(x) = (x₁ − x₂)² + α(x₁² + x₂²), the coupled problem of coordinate descent (L08).

    A Quadratic with A = [[2 + 2α, −2], [−2, 2 + 2α]] and b = 0; its eigenvalues
    are 2α and 4 + 2α, so small α makes it ill-conditioned. Minimizer (0, 0).

    Parameters
    ----------
    alpha : float
        Weight of the ridge term, > 0.
    xp : module, optional
        Array module for A (default: the course backend).
    """
    alpha = positive("alpha", alpha)
    xp = _namespace(xp)
    d = 2.0 + 2.0 * alpha
    A = xp.asarray([[d, -2.0], [-2.0, d]], dtype=xp.float64)
    return Quadratic(A, name=f"(x₁ − x₂)² + {alpha:g}(x₁² + x₂²)")


def rotation(angle: float) -> np.ndarray:
    """The NumPy matrix R = [[cos φ, −sin φ], [sin φ, cos φ]] that turns the plane by ``angle`` = φ
    degrees counterclockwise."""
    angle = float(angle)
    if not np.isfinite(angle):
        raise ValueError(f"angle must be finite, got {angle}")
    c, s = np.cos(np.radians(angle)), np.sin(np.radians(angle))
    return np.array([[c, -s], [s, c]])


def rotated(problem: Quadratic, angle: float) -> Quadratic:
    """A 2-D quadratic turned by ``angle`` degrees counterclockwise about the origin.

    With the rotation R of :func:`rotation`, the new objective is
    f_φ(x) = f(Rᵀx): A_φ = R A Rᵀ and b_φ = R b. Its level sets are those of f turned
    by φ, its eigenvalues are f's, and its eigenvectors are R times f's; gradient
    descent, which treats every direction alike, runs the same course turned by φ,
    while methods that act coordinate by coordinate (AdaGrad, RMSProp, Adam,
    coordinate descent) see another problem.

    Parameters
    ----------
    problem : Quadratic
        With dim = 2.
    angle : float
        φ in degrees.
    """
    if not isinstance(problem, Quadratic) or problem.dim != 2:
        raise TypeError(f"problem must be a 2-D course.problems.Quadratic, got {getattr(problem, 'name', problem)!r}")
    xp = problem.xp
    R = xp.asarray(rotation(angle), dtype=problem.A.dtype, device=array_api_compat.device(problem.A))
    A = R @ problem.A @ xp.matrix_transpose(R)
    return Quadratic((A + xp.matrix_transpose(A)) / 2, R @ problem.b, name=f"{problem.name}, turned by {angle:g}°")


class Rosenbrock(Objective):
    r"""The Rosenbrock function in ``dim`` ≥ 2 variables.

    f(x) = Σᵢ₌₁ⁿ⁻¹ 100 (xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)², minimizer (1, …, 1) with f = 0.

    The gradient is
    ∂f/∂xᵢ = −400 xᵢ (xᵢ₊₁ − xᵢ²) − 2(1 − xᵢ) + 200 (xᵢ − xᵢ₋₁²)
    (dropping the terms whose index falls outside 1…n), and the Hessian is
    tridiagonal. Works on arrays of any namespace.
    """

    def __init__(self, dim: int = 2) -> None:
        self.dim = integer("dim", dim, 2)
        self.name = "Rosenbrock" if self.dim == 2 else f"Rosenbrock (n = {self.dim})"
        self.minimizer = np.ones(self.dim)

    @staticmethod
    def _f(xp: Any, x: Any) -> Any:
        """Σᵢ 100 (xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)² over the last axis of ``x``."""
        head, tail = x[..., :-1], x[..., 1:]
        return xp.sum(100.0 * (tail - head**2) ** 2 + (1.0 - head) ** 2, axis=-1)

    def value(self, x: Any) -> Any:
        xp = self._check(x)
        return xp.asarray(self._f(xp, x))

    def values(self, points: Any) -> Any:
        return self._f(self._check(points, "points", batch=True), points)

    def grad(self, x: Any) -> Any:
        xp = self._check(x)
        head, tail = x[:-1], x[1:]
        r = tail - head**2
        zero = xp.zeros(1, dtype=x.dtype, device=array_api_compat.device(x))
        # d/dx_i of the i-th term, and d/dx_{i+1} of the i-th term.
        from_head = -400.0 * head * r - 2.0 * (1.0 - head)
        from_tail = 200.0 * r
        return xp.concat([from_head, zero]) + xp.concat([zero, from_tail])

    def hessian(self, x: Any) -> Any:
        xp = self._check(x)
        n, dev = self.dim, array_api_compat.device(x)
        head, tail = x[:-1], x[1:]
        zero = xp.zeros(1, dtype=x.dtype, device=dev)
        diag = xp.concat([1200.0 * head**2 - 400.0 * tail + 2.0, zero]) + xp.concat(
            [zero, 200.0 * xp.ones_like(tail)]
        )
        off = xp.concat([-400.0 * head, zero])  # H[i, i+1] = -400 x_i
        eye = xp.eye(n, dtype=x.dtype, device=dev)
        upper = xp.eye(n, k=1, dtype=x.dtype, device=dev) * off[:, None]
        return eye * diag[:, None] + upper + upper.T


rosenbrock = Rosenbrock(2)
"""The 2-D Rosenbrock function, minimizer (1, 1)."""


class Saddle(Objective):
    r"""L(w₁, w₂) = (1 − w₁w₂)², the saddle-point example of L02.

    With r = 1 − w₁w₂: ∇L = (−2 w₂ r, −2 w₁ r) and
    ∇²L = [[2w₂², 4w₁w₂ − 2], [4w₁w₂ − 2, 2w₁²]].
    At the saddle (0, 0) the Hessian is [[0, −2], [−2, 0]], eigenvalues ±2, with
    the descent direction (1, 1)/√2. The minima form the curve w₁w₂ = 1, so
    ``minimizer`` is None; ``saddle_point`` is (0, 0).
    """

    def __init__(self) -> None:
        self.dim = 2
        self.name = "(1 − w₁w₂)²"
        self.minimizer = None
        self.saddle_point = np.zeros(2)

    def value(self, x: Any) -> Any:
        xp = self._check(x)
        return xp.asarray((1.0 - x[0] * x[1]) ** 2)

    def values(self, points: Any) -> Any:
        self._check(points, "points", batch=True)
        return (1.0 - points[:, 0] * points[:, 1]) ** 2

    def grad(self, x: Any) -> Any:
        xp = self._check(x)
        r = 1.0 - x[0] * x[1]
        return xp.stack([-2.0 * x[1] * r, -2.0 * x[0] * r])

    def hessian(self, x: Any) -> Any:
        xp = self._check(x)
        w1, w2 = x[0], x[1]
        cross = 4.0 * w1 * w2 - 2.0
        return xp.stack([xp.stack([2.0 * w2**2, cross]), xp.stack([cross, 2.0 * w1**2])])


saddle = Saddle()
"""The saddle example (1 − w₁w₂)²."""


class LogisticRegression(Objective):
    r"""L2-regularised logistic regression on synthetic two-class data.

    With zᵢ = xᵢᵀw and σ the logistic function,

    f(w) = (1/N) Σᵢ [log(1 + exp(zᵢ)) − yᵢ zᵢ] + (λ/2) ‖w‖²,
    ∇f(w) = (1/N) Xᵀ(σ(Xw) − y) + λw,
    ∇²f(w) = (1/N) Xᵀ diag(σ(1 − σ)) X + λI.

    The loss is evaluated as log(1 + exp(−|z|)) + max(z, 0) − y z, which never
    overflows. The data are two Gaussian blobs (unit variance, centred at −1 and
    +1 in every feature, labels 0 and 1, rows in random order) with a column of
    ones appended for the bias, so ``dim = n_features + 1``. The penalty
    (λ = ``l2``, which also applies to the bias) makes f strongly convex, so a
    unique minimizer exists; it is found by Newton's method in NumPy on first use.

    Parameters
    ----------
    n_samples : int
        Number of examples N (≥ 2).
    n_features : int
        Number of features before the bias column (≥ 1).
    seed : int
        Seed for ``numpy.random.default_rng``.
    l2 : float
        Strength λ ≥ 0 of the penalty (λ = 0 may leave no minimizer).
    xp : module, optional
        Array module for the data (default: the course backend).

    Attributes
    ----------
    X : array, shape (N, dim)
        Features with the bias column last.
    y : array, shape (N,)
        Labels 0.0 or 1.0.
    """

    def __init__(
        self,
        n_samples: int = 200,
        n_features: int = 2,
        seed: int = 0,
        l2: float = 1e-3,
        xp: Any = None,
    ) -> None:
        self.n_samples = integer("n_samples", n_samples, 2)
        n_features = integer("n_features", n_features, 1)
        self.l2 = non_negative("l2", l2)
        self.dim = n_features + 1
        rng = np.random.default_rng(seed)
        labels = np.arange(self.n_samples) % 2
        rng.shuffle(labels)
        centres = np.where(labels == 1, 1.0, -1.0)[:, None]
        features = centres + rng.standard_normal((self.n_samples, n_features))
        self.X_numpy = np.hstack([features, np.ones((self.n_samples, 1))])
        self.y_numpy = labels.astype(np.float64)
        ns = _namespace(xp)
        self.X = ns.asarray(self.X_numpy, dtype=ns.float64)
        self.y = ns.asarray(self.y_numpy, dtype=ns.float64)
        self.xp = get_namespace(self.X)
        self.name = f"logistic regression (N = {self.n_samples}, n = {self.dim})"

    # -- the loss on a set of rows -------------------------------------------------

    def _sigmoid(self, z: Any) -> Any:
        e = self.xp.exp(-self.xp.abs(z))
        return self.xp.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

    def _value(self, w: Any, X: Any, y: Any) -> Any:
        xp = self.xp
        z = X @ w
        losses = xp.log1p(xp.exp(-xp.abs(z))) + xp.maximum(z, xp.zeros_like(z)) - y * z
        return xp.asarray(xp.mean(losses) + 0.5 * self.l2 * (w @ w))

    def _grad(self, w: Any, X: Any, y: Any) -> Any:
        return (self._sigmoid(X @ w) - y) @ X / X.shape[0] + self.l2 * w

    def _rows(self, idx: Any) -> tuple[Any, Any]:
        """The rows ``idx`` of X and y; ``idx`` is a NumPy (or list) of row indices."""
        idx_np = np.asarray(to_numpy(idx))
        if idx_np.ndim != 1 or idx_np.size == 0:
            raise ValueError(f"idx must be a non-empty 1-D array of row indices, got shape {idx_np.shape}")
        if not np.issubdtype(idx_np.dtype, np.integer):
            raise TypeError(f"idx must hold integers, got dtype {idx_np.dtype}")
        if idx_np.min() < 0 or idx_np.max() >= self.n_samples:
            raise ValueError(f"idx must lie in [0, {self.n_samples}), got values "
                             f"from {idx_np.min()} to {idx_np.max()}")
        i = self.xp.asarray(idx_np.astype(np.int64), device=array_api_compat.device(self.X))
        return self.xp.take(self.X, i, axis=0), self.xp.take(self.y, i)

    # -- public interface ----------------------------------------------------------

    def value(self, w: Any) -> Any:
        """f(w), the mean loss over all N examples plus the penalty."""
        self._check(w, "w")
        return self._value(w, self.X, self.y)

    def grad(self, w: Any) -> Any:
        """∇f(w) over all N examples."""
        self._check(w, "w")
        return self._grad(w, self.X, self.y)

    def hessian(self, w: Any) -> Any:
        """∇²f(w) = (1/N) Xᵀ diag(σ(1 − σ)) X + λI."""
        xp = self._check(w, "w")
        s = self._sigmoid(self.X @ w)
        weighted = self.X * (s * (1.0 - s))[:, None]
        eye = xp.eye(self.dim, dtype=self.X.dtype, device=array_api_compat.device(self.X))
        H = weighted.T @ self.X / self.n_samples
        return (H + H.T) / 2 + self.l2 * eye  # symmetric to the last bit

    def minibatch_value(self, w: Any, idx: Any) -> Any:
        """The loss averaged over the rows ``idx`` (a NumPy int array) plus the penalty."""
        self._check(w, "w")
        return self._value(w, *self._rows(idx))

    def minibatch_grad(self, w: Any, idx: Any) -> Any:
        """The gradient of :meth:`minibatch_value`: an unbiased estimate of ∇f(w)."""
        self._check(w, "w")
        return self._grad(w, *self._rows(idx))

    @functools.cached_property
    def minimizer(self) -> np.ndarray | None:  # type: ignore[override]
        """The minimizer, by damped Newton in NumPy (None when l2 = 0)."""
        if self.l2 == 0:
            return None
        X, y, lam, n = self.X_numpy, self.y_numpy, self.l2, self.n_samples

        def f(w: np.ndarray) -> float:
            z = X @ w
            return float(np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * lam * w @ w)

        w = np.zeros(self.dim)
        for _ in range(100):
            s = 0.5 * (1.0 + np.tanh(0.5 * (X @ w)))
            g = X.T @ (s - y) / n + lam * w
            if np.max(np.abs(g)) < 1e-12:
                break
            H = (X * (s * (1 - s))[:, None]).T @ X / n + lam * np.eye(self.dim)
            step, t = np.linalg.solve(H, g), 1.0
            while f(w - t * step) > f(w) - 0.25 * t * (g @ step) and t > 1e-10:
                t /= 2
            w = w - t * step
        return w


def logistic_regression(
    n_samples: int = 200,
    n_features: int = 2,
    seed: int = 0,
    l2: float = 1e-3,
    xp: Any = None,
) -> LogisticRegression:
    """A :class:`LogisticRegression` objective; see there for the formulas."""
    return LogisticRegression(n_samples, n_features, seed=seed, l2=l2, xp=xp)
