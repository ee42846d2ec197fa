"""Many small networks trained as one batched computation, with skip connections (lecture 09).

The experiments of lecture 09 train K networks at once, one per seed (and per setting):
every parameter has a leading "model" axis, as in :func:`course.nn.train_curves`, but
here each model has **its own** initial weights (model k starts as
``course.nn.mlp(sizes, seed=seeds[k])`` would), **its own** minibatches and labels
(:class:`PerModelCrossEntropy`), and may have skip connections (:class:`Block`).

:class:`Block`
    h ↦ s h + φ(h W): with s = 1 a residual block (a skip connection around φ(hW)),
    with s = 0 a plain layer; s may differ from model to model, so plain and residual
    networks train side by side.
:func:`residual_backward`
    the backward pass of one residual block, h_out = h + relu(h W).
:func:`seeded_mlp`, :func:`seeded_linear`
    networks of :mod:`course.nn` layers with one initialization per seed.
:func:`fit`
    momentum SGD (:func:`course.optim.steps.momentum_update`) on the parameters of
    chosen layers, minibatches given per model and step.
:func:`evaluate`
    loss and accuracy of every model on a data set.

The arithmetic uses the array-API namespace of the inputs; the weights are drawn in
NumPy (:mod:`course.init`) and minibatch indices are host-side NumPy arrays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import array_api_compat
import numpy as np

from course import validation as check
from course.backend import get_namespace, to_numpy
from course.init import uniform_fan_in
from course.nn import Layer, Linear, ReLU, Sequential, Tanh
from course.optim.steps import momentum_update

__all__ = [
    "Block",
    "PerModelCrossEntropy",
    "evaluate",
    "fit",
    "generators",
    "residual_backward",
    "seeded_linear",
    "seeded_mlp",
]

Array = Any
Init = Callable[..., np.ndarray]


def _namespace(xp: Any) -> Any:
    return get_namespace() if xp is None else get_namespace(xp.zeros(0))


def generators(seeds: Sequence[int] | Sequence[np.random.Generator]) -> list[np.random.Generator]:
    """One ``numpy.random.default_rng(seed)`` per seed (generators are kept as they are), for
    the K models of :func:`seeded_linear`, :func:`seeded_mlp` and :class:`Block`."""
    rngs = [s if isinstance(s, np.random.Generator) else np.random.default_rng(check.integer("seed", s, 0))
            for s in seeds]
    if not rngs:
        raise ValueError("seeds is empty: give at least one seed (one model per seed)")
    return rngs


def _stacked(init: Init, shape: tuple[int, int], rngs: list[np.random.Generator]) -> np.ndarray:
    """(K, m, n): one draw of ``init(shape, rng)`` per generator."""
    draws = [np.asarray(init(shape, rng=rng), dtype=np.float64) for rng in rngs]
    if draws[0].shape != shape:
        raise ValueError(f"init returned shape {draws[0].shape}, expected {shape}")
    return np.stack(draws)


def seeded_linear(n_in: int, n_out: int, rngs: Sequence[np.random.Generator], *, init: Init = uniform_fan_in,
                  xp: Any = None, dtype: str = "float64") -> Linear:
    """A :class:`course.nn.Linear` layer of K = len(rngs) models, W[k] drawn by
    ``init((n_in, n_out), rng=rngs[k])`` (the generators advance), biases 0."""
    rngs = list(rngs)
    xp = _namespace(xp)
    layer = Linear(n_in, n_out, models=len(rngs), xp=xp, dtype=dtype, init=lambda shape, rng: np.zeros(shape))
    layer.W = xp.asarray(_stacked(init, (layer.W.shape[-2], layer.W.shape[-1]), rngs), dtype=getattr(xp, dtype))
    return layer


def seeded_mlp(sizes: Sequence[int], seeds: Sequence[int], *, activation: str = "relu", init: Init = uniform_fan_in,
               xp: Any = None, dtype: str = "float64") -> Sequential:
    """K = len(seeds) MLPs along a model axis; model k starts exactly as
    ``course.nn.mlp(sizes, activation=activation, init=init, seed=seeds[k])``.

    Parameters
    ----------
    sizes : sequence of int
        (n_in, h₁, …, h_L, n_classes).
    seeds : sequence of int
        One seed per model.
    activation : {"relu", "tanh"}
    init : callable
        Weight initializer of :mod:`course.init`.
    xp : module, optional
        Array module (default: the course backend).
    dtype : str
        Name of the floating dtype.
    """
    sizes = [check.integer(f"sizes[{i}]", s, 1) for i, s in enumerate(sizes)]
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least the input and output widths, got {sizes}")
    rngs = generators(seeds)
    layers: list[Any] = []
    for n_in, n_out in zip(sizes[:-2], sizes[1:-1]):
        layers += [seeded_linear(n_in, n_out, rngs, init=init, xp=xp, dtype=dtype), _activation(activation)]
    layers.append(seeded_linear(sizes[-2], sizes[-1], rngs, init=init, xp=xp, dtype=dtype))
    return Sequential(layers, sizes[0], len(rngs))


def _activation(name: str) -> Layer:
    if name not in ("relu", "tanh"):
        raise ValueError(f"activation must be 'relu' or 'tanh', got {name!r}")
    return ReLU() if name == "relu" else Tanh()


class Block(Layer):
    """A hidden layer of width d with an optional skip connection: h_out = s h + φ(h W).

    With s = 1 it is a residual block, h ← h + φ(hW): the identity path carries h (and,
    backwards, ∂J/∂h_out) past φ(hW) unchanged. With s = 0 it is a plain layer h ← φ(hW).
    No bias, as in the formula.

    Backward, with a = hW and D = φ'(a):
        ∂J/∂W = hᵀ (∂J/∂h_out ⊙ D),    ∂J/∂h = s ∂J/∂h_out + (∂J/∂h_out ⊙ D) Wᵀ.

    Parameters
    ----------
    width : int
        d: W is (K, d, d).
    rngs : sequence of numpy.random.Generator
        One per model (K of them): W[k] = ``init((d, d), rng=rngs[k])``.
    skip : float or sequence of float
        s, one value for all models or one per model (0 plain, 1 residual).
    activation : {"relu", "tanh"}
    init : callable
    xp : module, optional
    dtype : str
    """

    def __init__(self, width: int, rngs: Sequence[np.random.Generator], skip: float | Sequence[float] = 1.0, *,
                 activation: str = "relu", init: Init = uniform_fan_in, xp: Any = None,
                 dtype: str = "float64") -> None:
        width = check.integer("width", width, 1)
        rngs = list(rngs)
        xp = _namespace(xp)
        skips = [skip] * len(rngs) if isinstance(skip, (int, float)) else list(skip)
        if len(skips) != len(rngs):
            raise ValueError(f"skip must be one number or one per model ({len(rngs)}), got {len(skips)}")
        skips = [check.non_negative(f"skip[{k}]", s) for k, s in enumerate(skips)]
        dt = getattr(xp, dtype)
        self.W = xp.asarray(_stacked(init, (width, width), rngs), dtype=dt)
        self.skip = xp.reshape(xp.asarray(skips, dtype=dt), (-1, 1, 1))
        self.phi = _activation(activation)
        self.xp = xp
        self.dW: Array | None = None

    def forward(self, x: Array) -> Array:
        self._x = x
        return self.skip * x + self.phi.forward(x @ self.W)

    def backward(self, dout: Array) -> Array:
        xp = self.xp
        da = self.phi.backward(dout)
        self.dW = xp.matrix_transpose(self._x) @ da
        return self.skip * dout + da @ xp.matrix_transpose(self.W)

    def parameters(self) -> list[Array]:
        return [self.W]

    def gradients(self) -> list[Array]:
        if self.dW is None:
            raise ValueError("gradients are only known after backward")
        return [self.dW]


def residual_backward(h: Array, W: Array, dout: Array) -> tuple[Array, Array]:
    """The backward pass of a residual block h_out = h + relu(h W).

    With a = hW and the mask D = 1[a > 0] (the derivative of relu),

        ∂J/∂h = ∂J/∂h_out + (∂J/∂h_out ⊙ D) Wᵀ,    ∂J/∂W = hᵀ (∂J/∂h_out ⊙ D).

    The first term of ∂J/∂h is the skip connection's: the gradient reaches h unchanged,
    whatever W and the mask are, so through a stack of such blocks it has a path on which
    no weight multiplies it.

    Parameters
    ----------
    h : array, shape (B, d)
        The block's input, a batch of B rows.
    W : array, shape (d, d)
        Its weights.
    dout : array, shape (B, d)
        ∂J/∂h_out.

    Returns
    -------
    dh : array, shape (B, d)
    dW : array, shape (d, d)
    """
    xp = check.float_arrays(h=h, dout=dout)
    if check.float_arrays(W=W) is not xp or W.dtype != h.dtype:
        raise TypeError("W must be an array of h's library and dtype")
    if h.ndim != 2 or W.shape != (h.shape[1], h.shape[1]):
        raise ValueError(f"h must be (B, d) and W (d, d); got h {tuple(h.shape)} and W {tuple(W.shape)}")
    da = xp.where(h @ W > 0, dout, xp.zeros_like(dout))
    return dout + da @ xp.matrix_transpose(W), xp.matrix_transpose(h) @ da


class PerModelCrossEntropy:
    """Mean softmax cross-entropy of each model on its own labels.

    ``forward(logits, y)`` with logits (K, B, C) and integer labels y of shape (K, B)
    (or (B,), shared) returns the K losses L_k = (1/B) Σᵢ (log Σ_c exp z_kic − z_ki,y_ki);
    ``backward()`` returns ∂L_k/∂z_k = (softmax(z_k) − Y_k)/B, stacked.
    """

    def forward(self, logits: Array, y: Array) -> Array:
        xp = check.float_arrays(logits=logits)
        if logits.ndim != 3:
            raise ValueError(f"logits must have shape (K, B, C), got {tuple(logits.shape)}")
        K, B, C = logits.shape
        if get_namespace(y) is not xp or not xp.isdtype(y.dtype, "integral"):
            raise TypeError("y must be an integer array of the logits' library")
        if tuple(y.shape) not in ((K, B), (B,)):
            raise ValueError(f"y must have shape ({K}, {B}) or ({B},), got {tuple(y.shape)}")
        if bool(xp.any(y < 0)) or bool(xp.any(y >= C)):
            raise ValueError(f"y must hold labels in 0, …, {C - 1}")
        classes = xp.arange(C, dtype=y.dtype, device=array_api_compat.device(y))
        onehot = xp.astype(y[..., None] == classes, logits.dtype)
        z = logits - xp.max(logits, axis=-1, keepdims=True)
        log_p = z - xp.log(xp.sum(xp.exp(z), axis=-1, keepdims=True))
        self._p, self._onehot, self._batch = xp.exp(log_p), onehot, B
        self._correct = xp.argmax(logits, axis=-1) == y
        return -xp.sum(onehot * log_p, axis=(-2, -1)) / B

    def correct(self) -> Array:
        """Whether each model classified each row right in the last forward pass, (K, B) bools
        (the largest logit is the label's)."""
        return self._correct

    def accuracy(self) -> Array:
        """The share of each model's rows classified right in the last forward pass, (K,)."""
        xp = get_namespace(self._p)
        return xp.mean(xp.astype(self._correct, self._p.dtype), axis=-1)

    def backward(self) -> Array:
        return (self._p - self._onehot) / self._batch


Sampler = Callable[[int], np.ndarray]


def fit(model: Sequential, X: Array, y: Array, sample: Sampler, steps: int, lr: float, *, alpha: float = 0.9,
        layers: Sequence[Any] | None = None, frozen: dict[int, np.ndarray] | None = None,
        record: Callable[[int], None] | None = None) -> np.ndarray:
    """Train the K models of ``model`` by momentum SGD, each on its own minibatches.

    At step k, ``sample(k)`` gives a (K, B) array of row indices of X: model j takes
    the rows ``sample(k)[j]``, computes its loss and gradient (:class:`PerModelCrossEntropy`)
    and updates v ← α v − ε g, θ ← θ + v (:func:`course.optim.steps.momentum_update`,
    in place) for the parameters of ``layers`` only (default: all). The velocities
    start at 0 with each call.

    Parameters
    ----------
    model : Sequential
        K models along a leading axis (``model.models == K``).
    X : array, shape (N, d)
    y : array, shape (N,), integer labels
    sample : callable
        sample(k) -> NumPy integer array (K, B), B ≥ 1.
    steps : int
        Number of updates, ≥ 0.
    lr : float
        ε > 0.
    alpha : float
        Momentum α in [0, 1) (0: plain SGD).
    layers : sequence of layers, optional
        The layers whose parameters are trained (the others stay as they are).
    frozen : dict, optional
        ``{i: mask}``: layer ``layers[i]`` stays as it is in the models where the (K,)
        boolean NumPy array ``mask`` is True (its learning rate is 0 there).
    record : callable, optional
        Called as record(k) before step k and record(steps) after the last, e.g. to
        evaluate the models or read their gradients (those of step k − 1 before step k).

    Returns
    -------
    numpy.ndarray, shape (K, steps)
        The minibatch loss of each model before each step.

    Raises
    ------
    FloatingPointError
        If the network's outputs become non-finite (the learning rate is too large).
    """
    if not isinstance(model, Sequential) or model.models is None:
        raise TypeError("model must hold K models along a leading axis (a Sequential built with models=K)")
    xp = check.float_arrays(X=X)
    if X.ndim != 2 or X.shape[1] != model.n_in:
        raise ValueError(f"X must have shape (N, {model.n_in}), got {tuple(X.shape)}")
    if get_namespace(y) is not xp or tuple(y.shape) != (X.shape[0],) or not xp.isdtype(y.dtype, "integral"):
        raise ValueError(f"y must be a 1-D integer array of X's library with {X.shape[0]} labels")
    steps, lr, alpha = check.integer("steps", steps, 0), check.positive("lr", lr), check.unit_interval("alpha", alpha)
    K, device = model.models, array_api_compat.device(X)
    trained = model.layers if layers is None else list(layers)
    params = [p for layer in trained for p in layer.parameters()]
    velocity = [xp.zeros_like(p) for p in params]
    if not {id(p) for p in params} <= {id(p) for p in model.parameters()}:
        raise ValueError("layers must be layers of the model")
    frozen = {} if frozen is None else frozen
    if any(i not in range(len(trained)) for i in frozen):
        raise ValueError(f"frozen names layers by their index in layers (0 to {len(trained) - 1})")
    rates: list[Any] = []  # per parameter: ε, or ε per model (0 where the layer is frozen)
    for i, layer in enumerate(trained):
        if i not in frozen:
            rates += [lr] * len(layer.parameters())
            continue
        if np.shape(frozen[i]) != (K,):
            raise ValueError(f"frozen[{i}] must be a boolean mask of the {K} models, got shape {np.shape(frozen[i])}")
        rate = xp.asarray(np.where(frozen[i], 0.0, lr), dtype=X.dtype, device=device)
        rates += [xp.reshape(rate, (K,) + (1,) * (p.ndim - 1)) for p in layer.parameters()]
    loss_fn = PerModelCrossEntropy()
    losses = np.empty((K, steps))
    for k in range(steps):
        if record is not None:
            record(k)
        idx = np.asarray(sample(k))
        if idx.ndim != 2 or idx.shape[0] != K:
            raise ValueError(f"sample({k}) must return a ({K}, B) array of row indices, got shape {idx.shape}")
        flat = xp.asarray(np.reshape(idx, -1), device=device)
        Xb = xp.reshape(xp.take(X, flat, axis=0), (K, idx.shape[1], X.shape[1]))
        yb = xp.reshape(xp.take(y, flat), idx.shape)
        logits = model.forward(Xb)
        if not bool(xp.all(xp.isfinite(logits))):
            raise FloatingPointError(f"the outputs became non-finite at step {k}: lower the learning rate")
        loss = loss_fn.forward(logits, yb)
        losses[:, k] = to_numpy(loss)
        model.backward(loss_fn.backward())
        grads = [g for layer in trained for g in layer.gradients()]
        for p, v, g, rate in zip(params, velocity, grads, rates):
            momentum_update(p, v, g, rate, alpha)
    if record is not None:
        record(steps)
    return losses


def evaluate(model: Sequential, X: Array, y: Array, subset: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """The loss and the accuracy of each of the K models on (X, y), in inference mode.

    With ``subset`` (a boolean NumPy mask of the N rows), also the accuracy on those rows.

    Returns
    -------
    loss, accuracy[, subset accuracy] : numpy.ndarray, shape (K,)
    """
    if not isinstance(model, Sequential) or model.models is None:
        raise TypeError("model must hold K models along a leading axis (a Sequential built with models=K)")
    loss_fn = PerModelCrossEntropy()
    loss = loss_fn.forward(model.inference(X), y)
    out = (to_numpy(loss).astype(np.float64), to_numpy(loss_fn.accuracy()).astype(np.float64))
    if subset is None:
        return out
    subset = np.asarray(subset, dtype=bool)
    if subset.shape != (X.shape[0],) or not subset.any():
        raise ValueError(f"subset must be a boolean mask of the {X.shape[0]} rows selecting at least one")
    return (*out, to_numpy(loss_fn.correct())[:, subset].mean(axis=1))
