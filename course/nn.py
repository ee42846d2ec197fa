"""A small fully connected network with hand-written backpropagation (lectures 07–08).

Layers, each with ``forward(x)`` (training mode, keeps what ``backward`` needs),
``backward(dout) -> dx`` (stores the parameter gradients), ``inference(x)``,
``parameters()`` and ``gradients()`` (lists of arrays in matching order):
:class:`Linear` (x ↦ xW + b, W of shape (inputs, units) as in :mod:`course.init`),
:class:`ReLU`, :class:`Tanh` and :class:`course.batchnorm.BatchNorm`.
:class:`SoftmaxCrossEntropy` is the loss, :class:`Sequential` chains layers and
:func:`mlp` builds the network of the lectures: Linear → [BatchNorm] → activation per
hidden layer, then a Linear output layer.

Training:

:func:`train`
    drives any optimizer object of :mod:`course.optim` (``init``/``update`` on one flat
    array) through the flat view of the parameters (:meth:`Sequential.flat_parameters`,
    :meth:`Sequential.set_flat_parameters`, :meth:`Sequential.flat_gradients`);
:func:`train_curves`
    trains K copies of a network with K learning rates at once, as one batched
    computation: every parameter has a leading "model" axis (W of shape (K, m, n),
    ``x @ W`` batched), so the training curves of lecture 07's widget cost a few
    matrix products per step instead of K networks' worth of Python.

The arithmetic uses the array-API namespace of the inputs; the weights are drawn in
NumPy (:mod:`course.init`) and converted with ``xp.asarray``. Minibatch indices come
from :func:`course.optim.minibatches` (NumPy, on the host).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import array_api_compat
import numpy as np

from course import validation as check
from course.backend import get_namespace, to_numpy
from course.batchnorm import BatchNorm
from course.init import uniform_fan_in
from course.optim import minibatches

__all__ = [
    "Layer",
    "Linear",
    "ReLU",
    "Sequential",
    "SoftmaxCrossEntropy",
    "Tanh",
    "mlp",
    "train",
    "train_curves",
]

Array = Any
#: A run is declared diverged when its loss is non-finite or exceeds BLOWUP · (1 + |L₀|)
#: (the rule of :func:`course.optim.run`).
BLOWUP = 1e8
ACTIVATIONS = ("relu", "tanh")


def _namespace(xp: Any) -> Any:
    return get_namespace() if xp is None else get_namespace(xp.zeros(0))


class Layer:
    """Base class of the layers without parameters; ``inference`` is ``forward``."""

    def forward(self, x: Array) -> Array:
        raise NotImplementedError

    def backward(self, dout: Array) -> Array:
        raise NotImplementedError

    def inference(self, x: Array) -> Array:
        return self.forward(x)

    def parameters(self) -> list[Array]:
        return []

    def gradients(self) -> list[Array]:
        return []


class Linear(Layer):
    """Fully connected layer: out = x W + b.

    Backward: dW = xᵀ dout, db = Σᵢ doutᵢ,:, dx = dout Wᵀ.

    Parameters
    ----------
    n_in, n_out : int
        Inputs m and units n: W has shape (m, n), b shape (n,).
    rng : numpy.random.Generator or int
        Source of the initial weights.
    init : callable
        ``init((m, n), rng=rng)`` returning a NumPy (m, n) array, e.g.
        :func:`course.init.glorot_uniform`; biases start at 0.
    models : int, optional
        K: K copies along a leading axis, W of shape (K, m, n) and b of shape
        (K, 1, n), all starting from the same draw; x is (batch, m) or (K, batch, m).
    xp : module, optional
        Array module (default: the course backend).
    dtype : str
        Name of the floating dtype.
    """

    def __init__(
        self,
        n_in: int,
        n_out: int,
        rng: np.random.Generator | int = 0,
        *,
        init: Callable[..., np.ndarray] = uniform_fan_in,
        models: int | None = None,
        xp: Any = None,
        dtype: str = "float64",
    ) -> None:
        n_in = check.integer("n_in", n_in, 1)
        n_out = check.integer("n_out", n_out, 1)
        xp = _namespace(xp)
        w = np.asarray(init((n_in, n_out), rng=rng), dtype=np.float64)
        if w.shape != (n_in, n_out):
            raise ValueError(f"init returned shape {w.shape}, expected {(n_in, n_out)}")
        b_shape: tuple[int, ...] = (n_out,)
        if models is not None:
            models = check.integer("models", models, 1)
            w = np.broadcast_to(w, (models, n_in, n_out))
            b_shape = (models, 1, n_out)
        dt = getattr(xp, dtype)
        self.W = xp.asarray(w, dtype=dt, copy=True)
        self.b = xp.zeros(b_shape, dtype=dt)
        self.xp = xp
        self.dW: Array | None = None
        self.db: Array | None = None

    def forward(self, x: Array) -> Array:
        self._x = x
        return x @ self.W + self.b

    def backward(self, dout: Array) -> Array:
        xp = self.xp
        self.dW = xp.matrix_transpose(self._x) @ dout  # (K, m, n) also for x of shape (B, m)
        self.db = xp.reshape(xp.sum(dout, axis=-2, keepdims=True), self.b.shape)
        return dout @ xp.matrix_transpose(self.W)

    def parameters(self) -> list[Array]:
        return [self.W, self.b]

    def gradients(self) -> list[Array]:
        if self.dW is None:
            raise ValueError("gradients are only known after backward")
        return [self.dW, self.db]


class ReLU(Layer):
    """out = max(x, 0); dx = dout where x > 0, else 0."""

    def forward(self, x: Array) -> Array:
        xp = get_namespace(x)
        self._active = x > 0
        return xp.where(self._active, x, xp.zeros_like(x))

    def backward(self, dout: Array) -> Array:
        xp = get_namespace(dout)
        return xp.where(self._active, dout, xp.zeros_like(dout))


class Tanh(Layer):
    """out = tanh x; dx = dout ⊙ (1 − out²)."""

    def forward(self, x: Array) -> Array:
        self._out = get_namespace(x).tanh(x)
        return self._out

    def backward(self, dout: Array) -> Array:
        return dout * (1.0 - self._out * self._out)


def _check_labels(y: Array, xp: Any, n_rows: int, n_classes: int) -> None:
    if get_namespace(y) is not xp:
        raise TypeError("y must be an array of the same library as the inputs")
    if not xp.isdtype(y.dtype, "integral"):
        raise TypeError(f"y must hold integer class labels, got dtype {y.dtype}")
    if tuple(y.shape) != (n_rows,):
        raise ValueError(f"y must have shape ({n_rows},), one label per row, got {tuple(y.shape)}")
    if bool(xp.any(y < 0)) or bool(xp.any(y >= n_classes)):
        raise ValueError(f"y must hold labels in 0, …, {n_classes - 1} (one per output column)")


class SoftmaxCrossEntropy:
    """Mean cross-entropy of a softmax: L = (1/B) Σᵢ (log Σ_c exp z_ic − z_i,yᵢ).

    ``forward(logits, y)`` returns L (a 0-d array, or shape (K,) for logits of shape
    (K, B, C): one loss per model); ``backward()`` returns ∂L/∂z = (softmax(z) − Y)/B,
    Y the one-hot labels. The log-sum-exp subtracts the row maximum, so it never
    overflows.
    """

    def forward(self, logits: Array, y: Array) -> Array:
        xp = check.float_arrays(logits=logits)
        if logits.ndim not in (2, 3):
            raise ValueError(f"logits must have shape (B, C) or (K, B, C), got {tuple(logits.shape)}")
        batch, n_classes = logits.shape[-2], logits.shape[-1]
        _check_labels(y, xp, batch, n_classes)
        classes = xp.arange(n_classes, dtype=y.dtype, device=array_api_compat.device(y))
        onehot = xp.astype(xp.reshape(y, (-1, 1)) == classes, logits.dtype)
        z = logits - xp.max(logits, axis=-1, keepdims=True)
        log_p = z - xp.log(xp.sum(xp.exp(z), axis=-1, keepdims=True))
        self._p, self._onehot = xp.exp(log_p), onehot
        return -xp.sum(onehot * log_p, axis=(-2, -1)) / batch

    def backward(self) -> Array:
        return (self._p - self._onehot) / self._p.shape[-2]


class Sequential:
    """Layers applied in turn, with a softmax cross-entropy loss on the output.

    Parameters
    ----------
    layers : sequence of layers
        Objects with forward, backward, inference, parameters and gradients.
    n_in : int
        Width of the input.
    models : int, optional
        K if the layers hold K models along a leading axis (see :func:`mlp`).
    """

    def __init__(self, layers: Sequence[Any], n_in: int, models: int | None = None) -> None:
        self.layers = list(layers)
        self.n_in = check.integer("n_in", n_in, 1)
        self.models = models
        self.loss = SoftmaxCrossEntropy()
        params = self.parameters()
        if not params:
            raise ValueError("layers must hold at least one parameter")
        self.xp, self.dtype = get_namespace(*params), params[0].dtype

    def _check_input(self, x: Array) -> None:
        xp = check.float_arrays(x=x)
        if xp is not self.xp or x.dtype != self.dtype:
            raise TypeError(f"x must be a {self.xp.__name__} array of dtype {self.dtype}, "
                            f"got {xp.__name__} {x.dtype}")
        shapes = [("batch", self.n_in)] + ([(self.models, "batch", self.n_in)] if self.models else [])
        ok = x.ndim == 2 or (self.models is not None and x.ndim == 3 and x.shape[0] == self.models)
        if not ok or x.shape[-1] != self.n_in:
            raise ValueError(f"x must have shape {' or '.join(map(str, shapes))}, got {tuple(x.shape)}")

    def forward(self, x: Array) -> Array:
        """Logits in training mode (batch statistics in the BatchNorm layers)."""
        self._check_input(x)
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def inference(self, x: Array) -> Array:
        """Logits in inference mode (running statistics in the BatchNorm layers)."""
        self._check_input(x)
        for layer in self.layers:
            x = layer.inference(x)
        return x

    def backward(self, dout: Array) -> Array:
        """Backpropagate ∂L/∂logits through the layers; returns ∂L/∂x."""
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def compute_gradients(self, x: Array, y: Array) -> Array:
        """Forward (training mode), loss, backward: returns L; the gradients are then in
        :meth:`gradients`. With K models, L has shape (K,) and each model gets the
        gradient of its own loss."""
        loss = self.loss.forward(self.forward(x), y)
        self.backward(self.loss.backward())
        return loss

    def parameters(self) -> list[Array]:
        """Every parameter array, layer by layer (W, b of Linear; γ, β of BatchNorm)."""
        return [p for layer in self.layers for p in layer.parameters()]

    def gradients(self) -> list[Array]:
        """The gradients, in the order of :meth:`parameters` (after a backward pass)."""
        return [g for layer in self.layers for g in layer.gradients()]

    def flat_parameters(self) -> Array:
        """A new 1-D array θ: all parameters, flattened and concatenated."""
        return self.xp.concat([self.xp.reshape(p, (-1,)) for p in self.parameters()])

    def flat_gradients(self) -> Array:
        """A new 1-D array: the gradients, laid out as :meth:`flat_parameters`."""
        return self.xp.concat([self.xp.reshape(g, (-1,)) for g in self.gradients()])

    def set_flat_parameters(self, theta: Array) -> None:
        """Copy θ (laid out as :meth:`flat_parameters`) into the parameter arrays."""
        params = self.parameters()
        size = sum(math.prod(p.shape) for p in params)
        if get_namespace(theta) is not self.xp or tuple(theta.shape) != (size,):
            raise ValueError(f"theta must be a 1-D {self.xp.__name__} array of length {size}, "
                             f"got shape {tuple(theta.shape)}")
        start = 0
        for p in params:
            n = math.prod(p.shape)
            p[...] = self.xp.reshape(theta[start : start + n], p.shape)
            start += n


def mlp(
    sizes: Sequence[int],
    *,
    batchnorm: bool = False,
    activation: str = "relu",
    init: Callable[..., np.ndarray] = uniform_fan_in,
    seed: int = 0,
    models: int | None = None,
    xp: Any = None,
    dtype: str = "float64",
) -> Sequential:
    """A multilayer perceptron: per hidden layer Linear → [BatchNorm] → activation.

    ``sizes = (n_in, h₁, …, h_L, n_classes)``; the last Linear layer gives the logits.
    The weights are drawn with ``numpy.random.default_rng(seed)`` by ``init``; biases
    start at 0, BatchNorm's γ at 1 and β at 0.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths, at least (n_in, n_classes).
    batchnorm : bool
        Put a :class:`course.batchnorm.BatchNorm` after every hidden Linear layer.
    activation : {"relu", "tanh"}
    init : callable
        Weight initializer of :mod:`course.init`, called as ``init((m, n), rng=rng)``.
    seed : int
        Seed of the initial weights.
    models : int, optional
        K copies along a leading axis, all starting from the same weights (those of
        the network built with ``models=None``).
    xp : module, optional
        Array module (default: the course backend).
    dtype : str
        Name of the floating dtype.
    """
    sizes = [check.integer(f"sizes[{i}]", s, 1) for i, s in enumerate(sizes)]
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least the input and output widths, got {sizes}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(map(repr, ACTIVATIONS))}, got {activation!r}")
    xp = _namespace(xp)
    rng = np.random.default_rng(seed)
    layers: list[Any] = []
    for n_in, n_out in zip(sizes[:-2], sizes[1:-1]):
        layers.append(Linear(n_in, n_out, rng, init=init, models=models, xp=xp, dtype=dtype))
        if batchnorm:
            layers.append(BatchNorm(n_out, models=models, xp=xp, dtype=dtype))
        layers.append(ReLU() if activation == "relu" else Tanh())
    layers.append(Linear(sizes[-2], sizes[-1], rng, init=init, models=models, xp=xp, dtype=dtype))
    return Sequential(layers, sizes[0], models)


# -- training ------------------------------------------------------------------------------


def _check_data(X: Array, y: Array, n_in: int | None = None) -> Any:
    """X a finite (N, n_in) float array (any width when n_in is None), y N integer labels."""
    xp = check.float_arrays(X=X)
    if X.ndim != 2 or X.shape[0] < 2 or (n_in is not None and X.shape[1] != n_in):
        width = "d" if n_in is None else n_in
        raise ValueError(f"X must have shape (N, {width}) with N ≥ 2, got {tuple(X.shape)}")
    if get_namespace(y) is not xp or tuple(y.shape) != (X.shape[0],) or not xp.isdtype(y.dtype, "integral"):
        raise ValueError(f"y must be a 1-D integer array of X's library with {X.shape[0]} labels")
    return xp


def _batches(X: Array, y: Array, batch_size: int | None, steps: int, seed: int) -> Iterator[tuple[Array, Array]]:
    """(X_B, y_B) for each of ``steps`` steps: the whole data set when ``batch_size`` is
    None, else shuffled minibatches (:func:`course.optim.minibatches`), epoch after epoch."""
    if batch_size is None:
        for _ in range(steps):
            yield X, y
        return
    xp, n = get_namespace(X), X.shape[0]
    batch_size = check.integer("batch_size", batch_size, 2)
    rng = np.random.default_rng(seed)
    done = 0
    while done < steps:
        for idx in minibatches(n, batch_size, rng):
            if done == steps:
                return
            if len(idx) < 2:  # a last batch of one row: batch norm needs two
                continue
            i = xp.asarray(idx, device=array_api_compat.device(X))
            yield xp.take(X, i, axis=0), xp.take(y, i)
            done += 1


def train(
    model: Sequential,
    X: Array,
    y: Array,
    optimizer: Any,
    steps: int,
    batch_size: int | None = None,
    seed: int = 0,
) -> np.ndarray:
    """Train ``model`` in place with an optimizer object of :mod:`course.optim`.

    Each step computes the loss and gradient on a minibatch and lets
    ``optimizer.update`` move the flat parameter vector θ (the optimizers work on one
    flat array; :meth:`Sequential.set_flat_parameters` copies θ back into the layers).

    Parameters
    ----------
    model : Sequential
        One network (``models=None``).
    X : array, shape (N, n_in)
    y : array, shape (N,), integer labels
    optimizer
        An object with ``init(theta)`` and ``update(theta, state, grad_fn)``,
        e.g. ``course.optim.SGD(0.1)``.
    steps : int
        Number of updates.
    batch_size : int, optional
        Minibatch size (≥ 2 for batch norm); None for full-batch gradient descent.
    seed : int
        Seed of the minibatch order.

    Returns
    -------
    numpy.ndarray, shape (steps,)
        The minibatch loss at which each step's gradient was taken (for Nesterov-type
        methods, at the look-ahead point); NaN from the step at which the loss became
        non-finite or exceeded ``BLOWUP · (1 + |L₀|)``, where training stops.
    """
    if not isinstance(model, Sequential) or model.models is not None:
        raise TypeError("model must be one network (a Sequential built with models=None)")
    _check_data(X, y, model.n_in)
    steps = check.integer("steps", steps, 0)
    losses = np.full(steps, np.nan)
    theta = model.flat_parameters()
    state = optimizer.init(theta)
    limit = math.inf
    for k, (Xb, yb) in enumerate(_batches(X, y, batch_size, steps, seed)):
        seen: list[float] = []

        def grad_fn(point: Array) -> Array:
            model.set_flat_parameters(point)
            seen.append(float(model.compute_gradients(Xb, yb)))
            return model.flat_gradients()

        theta, state = optimizer.update(theta, state, grad_fn)
        if not math.isfinite(seen[0]) or seen[0] > limit:
            break
        losses[k] = seen[0]
        if k == 0:
            limit = BLOWUP * (1 + abs(seen[0]))
    model.set_flat_parameters(theta)
    return losses


def train_curves(
    lrs: Sequence[float],
    batchnorm: bool,
    steps: int,
    X: Array,
    y: Array,
    *,
    hidden: Sequence[int] = (32, 32),
    activation: str = "relu",
    batch_size: int | None = None,
    seed: int = 0,
) -> np.ndarray:
    """Training curves of one MLP under K learning rates, computed as one batched run.

    K = len(lrs) copies of ``mlp((d, *hidden, C), batchnorm=batchnorm, seed=seed)``
    (d features, C = max(y) + 1 classes) are held along a leading model axis and
    trained together by SGD, θ⁽ᵏ⁾ ← θ⁽ᵏ⁾ − εₖ g⁽ᵏ⁾, on the same minibatches: each
    copy follows exactly the path it would follow alone
    (``train(mlp(...), X, y, SGD(εₖ), steps, batch_size, seed)``, to round-off).
    A copy whose loss becomes non-finite or exceeds ``BLOWUP · (1 + |L₀|)`` is
    frozen (its parameters set to 0, its learning rate to 0) and its curve is NaN
    from then on.

    Parameters
    ----------
    lrs : sequence of float
        The K learning rates, > 0.
    batchnorm : bool
        With a BatchNorm layer after every hidden Linear layer.
    steps : int
        Number of SGD steps.
    X : array, shape (N, d)
        Inputs; the networks use X's library and dtype (float32 is faster).
    y : array, shape (N,)
        Integer labels.
    hidden : sequence of int
        Widths of the hidden layers.
    activation : {"relu", "tanh"}
    batch_size : int, optional
        Minibatch size (≥ 2); None for full-batch gradient descent.
    seed : int
        Seed of the initial weights and of the minibatch order.

    Returns
    -------
    numpy.ndarray, shape (K, steps)
        The minibatch loss before each step.
    """
    rates = [check.positive(f"lrs[{i}]", lr) for i, lr in enumerate(lrs)]
    if not rates:
        raise ValueError("lrs is empty: give at least one learning rate")
    steps = check.integer("steps", steps, 0)
    xp = _check_data(X, y)
    n_classes = int(np.max(to_numpy(y))) + 1
    model = mlp((X.shape[1], *hidden, n_classes), batchnorm=batchnorm, activation=activation, seed=seed,
                models=len(rates), xp=xp, dtype="float32" if X.dtype == xp.float32 else "float64")
    device = array_api_compat.device(X)
    lr = xp.asarray(rates, dtype=X.dtype, device=device)
    alive = np.ones(len(rates), dtype=bool)
    curves = np.full((len(rates), steps), np.nan)
    for k, (Xb, yb) in enumerate(_batches(X, y, batch_size, steps, seed)):
        loss = to_numpy(model.compute_gradients(Xb, yb)).astype(np.float64)
        if k == 0:
            limit = BLOWUP * (1 + np.abs(loss))
        for p, g in zip(model.parameters(), model.gradients()):
            p -= _per_model(xp, lr, p) * g
        diverged = alive & ~(np.isfinite(loss) & (loss <= limit))
        curves[alive & ~diverged, k] = loss[alive & ~diverged]
        if diverged.any():  # freeze: parameters 0 (finite), learning rate 0
            alive &= ~diverged
            keep = xp.asarray(alive, device=device)
            lr = xp.where(keep, lr, xp.zeros_like(lr))
            for p in model.parameters():
                p[...] = xp.where(_per_model(xp, keep, p), p, xp.zeros_like(p))
    return curves


def _per_model(xp: Any, values: Array, p: Array) -> Array:
    """A (K,) array reshaped to (K, 1, …, 1), to broadcast against a parameter p of the K models."""
    return xp.reshape(values, (-1,) + (1,) * (p.ndim - 1))
