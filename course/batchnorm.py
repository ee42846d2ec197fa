"""Batch normalization (lecture 07): the forward and backward passes, inference, and a layer.

Notation of the book: a minibatch H of m rows (examples) and n columns (features),

    μ = (1/m) Σᵢ Hᵢ,:,   σ = √(δ + (1/m) Σᵢ (Hᵢ,: − μ)²),   H' = (H − μ)/σ,   out = γ H' + β,

with the biased (1/m) batch variance and learned γ, β of shape (n,). ``eps`` is δ.
In inference the batch statistics are replaced by running averages collected in
training, y = γ (x − μ̄)/√(σ̄² + δ) + β, with PyTorch ``BatchNorm1d``'s conventions:

    μ̄ ← (1 − p) μ̄ + p μ_B,   σ̄² ← (1 − p) σ̄² + p (m/(m − 1)) σ²_B,

where p is ``momentum`` (0.1 by default) and σ²_B the biased batch variance, so the
running variance estimates the population variance with the unbiased factor m/(m − 1).
(The syllabus writes μ̄ ← p' μ̄ + (1 − p') μ_B: the same recurrence with p' = 1 − p.)

All arithmetic uses the array-API namespace of the inputs. The :class:`BatchNorm`
layer also accepts a leading "model" axis (``models=K``), for training K networks at
once in :mod:`course.nn`: x of shape (K, m, n) and γ, β of shape (K, 1, n).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from course import validation as check
from course.backend import get_namespace

__all__ = [
    "BatchNorm",
    "BatchNormCache",
    "batchnorm_backward",
    "batchnorm_forward",
    "batchnorm_inference",
    "chain_step_terms",
    "first_order_decrease",
    "linear_chain_gradient",
]

Array = Any


class BatchNormCache(NamedTuple):
    """What the backward pass needs from the forward pass."""

    x_hat: Array  # H' = (H − μ)/σ
    inv_sigma: Array  # 1/σ, one value per feature
    gamma: Array


# -- the formulas, over the rows axis (-2), for any leading axes --------------------------


def _statistics(xp: Any, x: Array) -> tuple[Array, Array]:
    """Batch mean μ and biased variance σ²_B over the rows (axis −2), kept as rows."""
    return xp.mean(x, axis=-2, keepdims=True), xp.var(x, axis=-2, keepdims=True)


def _forward(xp: Any, x: Array, gamma: Array, beta: Array, eps: float) -> tuple[Array, BatchNormCache, Array, Array]:
    """out = γ (x − μ)/σ + β with batch statistics; also returns μ and σ²_B."""
    mu, var = _statistics(xp, x)
    inv_sigma = 1.0 / xp.sqrt(var + eps)
    x_hat = (x - mu) * inv_sigma
    return gamma * x_hat + beta, BatchNormCache(x_hat, inv_sigma, gamma), mu, var


def _backward(xp: Any, dout: Array, cache: BatchNormCache) -> tuple[Array, Array, Array]:
    """dx = (γ/σ) (dout − mean(dout) − H' ⊙ mean(dout ⊙ H')), dγ = Σᵢ dout ⊙ H', dβ = Σᵢ dout.

    The means and sums run over the rows; dγ and dβ keep γ's shape.
    """
    x_hat, inv_sigma, gamma = cache
    m = x_hat.shape[-2]
    dbeta = xp.sum(dout, axis=-2, keepdims=True)
    dgamma = xp.sum(dout * x_hat, axis=-2, keepdims=True)
    dx = (gamma * inv_sigma) * (dout - (dbeta + x_hat * dgamma) / m)
    return dx, xp.reshape(dgamma, gamma.shape), xp.reshape(dbeta, gamma.shape)


def _normalize_with(xp: Any, x: Array, gamma: Array, beta: Array, mean: Array, var: Array, eps: float) -> Array:
    """y = γ (x − μ̄)/√(σ̄² + δ) + β."""
    return gamma * (x - mean) / xp.sqrt(var + eps) + beta


# -- the functions of the exercise (one network: x of shape (m, n)) -----------------------


def _check_matrix(x: Array, name: str, min_rows: int) -> Any:
    xp = check.float_arrays(**{name: x})
    if x.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (rows = examples, columns = features), "
                         f"got shape {tuple(x.shape)}")
    if x.shape[0] < min_rows:
        raise ValueError(
            f"{name} has {x.shape[0]} row(s); training-mode batch normalization needs a batch of "
            f"at least {min_rows} rows (the variance of one row is 0)"
        )
    return xp


def _check_features(xp: Any, x: Array, name: str, **vectors: Array) -> None:
    """Every vector has shape (n,) for the n columns of x, and x's library and dtype."""
    first = next(iter(vectors))
    if check.float_arrays(**vectors) is not xp:
        raise TypeError(f"{first} must be an array of the same library as {name}")
    n = x.shape[-1]
    for vname, v in vectors.items():
        if tuple(v.shape) != (n,):
            raise ValueError(f"{vname} must have shape ({n},) to match the {n} columns of {name}, "
                             f"got {tuple(v.shape)}")
    if vectors[first].dtype != x.dtype:
        raise TypeError(f"{first} has dtype {vectors[first].dtype} but {name} has dtype {x.dtype}")


def batchnorm_forward(x: Array, gamma: Array, beta: Array, eps: float = 1e-5) -> tuple[Array, BatchNormCache]:
    """Batch normalization in training mode, with the statistics of the batch.

    μ = (1/m) Σᵢ xᵢ,:, σ = √(δ + (1/m) Σᵢ (xᵢ,: − μ)²), x̂ = (x − μ)/σ, out = γ x̂ + β.

    Parameters
    ----------
    x : array, shape (m, n)
        A minibatch of m ≥ 2 examples (rows) with n features.
    gamma, beta : array, shape (n,)
        Scale γ and shift β, of x's library and dtype.
    eps : float
        δ > 0, added to the variance.

    Returns
    -------
    out : array, shape (m, n)
    cache : BatchNormCache
        (x̂, 1/σ, γ), for :func:`batchnorm_backward`.

    Raises
    ------
    ValueError
        If x is not 2-D, has one row, or holds non-finite values, or if γ and β do
        not have shape (n,).
    """
    xp = _check_matrix(x, "x", min_rows=2)
    _check_features(xp, x, "x", gamma=gamma, beta=beta)
    eps = check.positive("eps", eps)
    out, cache, _, _ = _forward(xp, x, gamma, beta, eps)
    return out, cache


def batchnorm_backward(dout: Array, cache: BatchNormCache) -> tuple[Array, Array, Array]:
    """Gradients of batch normalization: (dx, dγ, dβ) from dout = ∂L/∂out.

    dβ = Σᵢ doutᵢ,:,  dγ = Σᵢ doutᵢ,: ⊙ x̂ᵢ,:,
    dx = (γ/σ) ⊙ (dout − (1/m)(dβ + x̂ ⊙ dγ)),

    which accounts for x reaching the output through μ and σ as well as directly.

    Parameters
    ----------
    dout : array, shape (m, n)
        Upstream gradient.
    cache : BatchNormCache
        From :func:`batchnorm_forward`.
    """
    if not isinstance(cache, BatchNormCache):
        raise TypeError(f"cache must be the BatchNormCache returned by batchnorm_forward, got "
                        f"{type(cache).__name__}")
    xp = check.float_arrays(out=cache.x_hat, dout=dout)
    return _backward(xp, dout, cache)


def batchnorm_inference(
    x: Array, gamma: Array, beta: Array, running_mean: Array, running_var: Array, eps: float = 1e-5
) -> Array:
    """Batch normalization in inference mode: y = γ (x − μ̄)/√(σ̄² + δ) + β.

    Each example is normalized with the running averages μ̄, σ̄² collected in training,
    so the output of an example does not depend on the rest of the batch (one row is fine).

    Parameters
    ----------
    x : array, shape (m, n)
    gamma, beta, running_mean, running_var : array, shape (n,)
        running_var must be ≥ 0.
    eps : float
        δ > 0.
    """
    xp = _check_matrix(x, "x", min_rows=1)
    _check_features(xp, x, "x", gamma=gamma, beta=beta, running_mean=running_mean, running_var=running_var)
    if bool(xp.any(running_var < 0)):
        raise ValueError("running_var must be non-negative (it is a variance)")
    eps = check.positive("eps", eps)
    return _normalize_with(xp, x, gamma, beta, running_mean, running_var, eps)


class BatchNorm:
    """A batch-normalization layer with learned γ, β and running statistics.

    ``forward`` (training mode) normalizes with the batch statistics and updates the
    running averages μ̄ ← (1 − p) μ̄ + p μ_B, σ̄² ← (1 − p) σ̄² + p (m/(m − 1)) σ²_B
    (p = ``momentum``, PyTorch's convention); ``inference`` uses μ̄ and σ̄².
    γ starts at 1, β at 0, μ̄ at 0 and σ̄² at 1.

    Parameters
    ----------
    num_features : int
        n, the number of columns of x.
    momentum : float
        p in [0, 1).
    eps : float
        δ > 0.
    models : int, optional
        K: hold K independent layers along a leading axis (x of shape (K, m, n),
        every parameter and statistic of shape (K, 1, n)); None for one layer
        (x of shape (m, n), parameters of shape (n,)).
    xp : module, optional
        Array module for the parameters (default: the course backend).
    dtype : str
        Name of the floating dtype of the parameters.

    Attributes
    ----------
    gamma, beta, running_mean, running_var : array
    dgamma, dbeta : array
        ∂L/∂γ, ∂L/∂β after :meth:`backward` (None before).
    """

    def __init__(
        self,
        num_features: int,
        momentum: float = 0.1,
        eps: float = 1e-5,
        *,
        models: int | None = None,
        xp: Any = None,
        dtype: str = "float64",
    ) -> None:
        self.num_features = check.integer("num_features", num_features, 1)
        self.momentum = check.unit_interval("momentum", momentum)
        self.eps = check.positive("eps", eps)
        self.models = None if models is None else check.integer("models", models, 1)
        self.xp = get_namespace() if xp is None else get_namespace(xp.zeros(0))
        shape = (self.num_features,) if models is None else (self.models, 1, self.num_features)
        dt = getattr(self.xp, dtype)
        self.gamma = self.xp.ones(shape, dtype=dt)
        self.beta = self.xp.zeros(shape, dtype=dt)
        self.running_mean = self.xp.zeros(shape, dtype=dt)
        self.running_var = self.xp.ones(shape, dtype=dt)
        self.dgamma: Array | None = None
        self.dbeta: Array | None = None
        self._cache: BatchNormCache | None = None

    def _check_input(self, x: Array, min_rows: int) -> None:
        xp = check.float_arrays(x=x)
        if xp is not self.xp:
            raise TypeError(f"x is a {xp.__name__} array but the layer's parameters are {self.xp.__name__} arrays")
        if x.dtype != self.gamma.dtype:
            raise TypeError(f"x has dtype {x.dtype} but the layer's parameters have dtype {self.gamma.dtype}")
        lead = () if self.models is None else (self.models,)
        if x.ndim != len(lead) + 2 or tuple(x.shape[:-2]) != lead or x.shape[-1] != self.num_features:
            wanted = ", ".join(map(str, lead + ("m", self.num_features)))
            raise ValueError(f"x must have shape ({wanted}), got {tuple(x.shape)}")
        if x.shape[-2] < min_rows:
            raise ValueError(
                f"x has {x.shape[-2]} row(s); training-mode batch normalization needs a batch of "
                f"at least {min_rows} rows (the variance of one row is 0)"
            )

    def forward(self, x: Array) -> Array:
        """Training mode: normalize with the batch statistics, update the running averages."""
        self._check_input(x, min_rows=2)
        xp, p, m = self.xp, self.momentum, x.shape[-2]
        out, self._cache, mu, var = _forward(xp, x, self.gamma, self.beta, self.eps)
        shape = self.gamma.shape
        self.running_mean = (1 - p) * self.running_mean + p * xp.reshape(mu, shape)
        self.running_var = (1 - p) * self.running_var + p * (m / (m - 1)) * xp.reshape(var, shape)
        return out

    def backward(self, dout: Array) -> Array:
        """dx from dout; stores dγ and dβ in ``dgamma`` and ``dbeta``."""
        if self._cache is None:
            raise ValueError("backward needs a forward pass in training mode first")
        check.float_arrays(out=self._cache.x_hat, dout=dout)
        dx, self.dgamma, self.dbeta = _backward(self.xp, dout, self._cache)
        return dx

    def inference(self, x: Array) -> Array:
        """Inference mode: y = γ (x − μ̄)/√(σ̄² + δ) + β (the running averages are not changed)."""
        self._check_input(x, min_rows=1)
        return _normalize_with(self.xp, x, self.gamma, self.beta, self.running_mean, self.running_var, self.eps)

    def parameters(self) -> list[Array]:
        """[γ, β]."""
        return [self.gamma, self.beta]

    def gradients(self) -> list[Array]:
        """[dγ, dβ], in the order of :meth:`parameters` (after :meth:`backward`)."""
        if self.dgamma is None:
            raise ValueError("gradients are only known after backward")
        return [self.dgamma, self.dbeta]


# -- the book's argument for batch normalization: one step on a deep linear chain ----------


def _check_chain(x: float, w: Array) -> tuple[Any, float]:
    xp = check.float_arrays(w=w)
    if w.ndim != 1 or w.shape[0] < 1:
        raise ValueError(f"w must be a 1-D array of the l ≥ 1 weights w₁, …, w_l, got shape {tuple(w.shape)}")
    return xp, check.real("x", x)


def linear_chain_gradient(x: float, w: Array) -> Array:
    """The gradient g of ŷ = x w₁ w₂ ⋯ w_l with respect to the weights: gᵢ = x ∏_{k≠i} w_k.

    Computed from prefix and suffix products, without dividing by wᵢ, so that a zero
    weight is fine.

    Parameters
    ----------
    x : float
        The input.
    w : array, shape (l,)
        The weights of the l layers (one unit each).
    """
    xp, x = _check_chain(x, w)
    l = w.shape[0]
    before = [x]  # before[i] = x w₁ ⋯ w_i (the first i weights)
    for i in range(l - 1):
        before.append(before[-1] * w[i])
    after = [1.0]  # after[j] = w_{l−j+1} ⋯ w_l (the last j weights)
    for i in range(l - 1, 0, -1):
        after.append(after[-1] * w[i])
    return xp.stack([xp.asarray(before[i] * after[l - 1 - i], dtype=w.dtype) for i in range(l)])


def chain_step_terms(x: float, w: Array, lr: float) -> Array:
    """ŷ after one gradient step on every layer of ŷ = x w₁ ⋯ w_l, order by order in ε.

    The step wᵢ ← wᵢ − ε gᵢ (g from :func:`linear_chain_gradient`) makes
    ŷ' = x (w₁ − ε g₁)(w₂ − ε g₂) ⋯ (w_l − ε g_l) = T₀ + T₁ + ⋯ + T_l, where T_k collects the
    products with k factors −ε gᵢ: T₀ = ŷ, T₁ = −ε gᵀg (the first-order Taylor term),
    T₂ = ε² x Σ_{i<j} gᵢ gⱼ ∏_{k≠i,j} w_k (e.g. the book's ε² g₁ g₂ ∏_{i≥3} wᵢ for x = 1), …,
    T_l = x (−ε)^l g₁ ⋯ g_l.

    Parameters
    ----------
    x : float
    w : array, shape (l,)
    lr : float
        ε > 0.

    Returns
    -------
    array, shape (l + 1,)
        T₀, T₁, …, T_l; their sum is ŷ after the step.
    """
    g = linear_chain_gradient(x, w)
    xp = get_namespace(w)
    x, lr = float(x), check.positive("lr", lr)
    coefficients = xp.ones((1,), dtype=w.dtype)  # of ∏ (w_i − ε g_i) as a polynomial in ε
    zero = xp.zeros((1,), dtype=w.dtype)
    for i in range(w.shape[0]):
        coefficients = (xp.concat([coefficients * w[i], zero]) - xp.concat([zero, coefficients * g[i]]))
    powers = xp.asarray([lr**k for k in range(w.shape[0] + 1)], dtype=w.dtype)
    return x * coefficients * powers


def first_order_decrease(x: float, w: Array, lr: float) -> float:
    """The decrease of ŷ = x w₁ ⋯ w_l that the first-order Taylor expansion predicts for the
    step w ← w − ε g with g = ∇_w ŷ: ε gᵀg = ε Σᵢ (x ∏_{k≠i} w_k)².

    Parameters
    ----------
    x : float
    w : array, shape (l,)
    lr : float
        ε > 0.
    """
    g = linear_chain_gradient(x, w)
    xp = get_namespace(w)
    return check.positive("lr", lr) * float(xp.sum(g * g))
