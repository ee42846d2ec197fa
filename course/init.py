"""Weight and bias initialization (lecture 08).

Shape convention: a weight matrix has shape ``(m, n)`` with **rows = the m inputs**
(the fan-in) and **columns = the n units**, so a layer computes ``x @ W`` for a batch
``x`` of shape (batch, m), and column j holds the incoming weights of unit j.

The initializers draw with a ``numpy.random.Generator`` (an int is taken as a seed)
and return NumPy float64 arrays: they are NumPy-only by design, like the datasets of
:mod:`course.data`; convert with ``xp.asarray(W, dtype=...)`` for another library.

Weights: :func:`uniform_fan_in` U(−1/√m, 1/√m), :func:`glorot_uniform`
U(−√(6/(m+n)), √(6/(m+n))), :func:`orthogonal` with gain g (Saxe et al. 2013),
:func:`sparse` with exactly k non-zero incoming weights per unit (Martens 2010).
Biases: :func:`relu_bias` (0.1, so ReLUs start active), :func:`forget_gate_bias`
(1, so an LSTM starts by remembering), :func:`output_bias` (softmax of the bias =
the marginal class frequencies).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from course import validation as check

__all__ = [
    "forget_gate_bias",
    "glorot_uniform",
    "orthogonal",
    "output_bias",
    "relu_bias",
    "sparse",
    "uniform_fan_in",
]

Rng = np.random.Generator | int | None


def _generator(rng: Rng) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def _shape(shape: Sequence[int]) -> tuple[int, int]:
    """``shape`` as (m, n), both ≥ 1."""
    if isinstance(shape, (str, bytes)) or not isinstance(shape, Sequence) or len(shape) != 2:
        raise ValueError(f"shape must be a pair (m inputs, n units), got {shape!r}")
    return check.integer("shape[0] (inputs m)", shape[0], 1), check.integer("shape[1] (units n)", shape[1], 1)


def uniform_fan_in(shape: Sequence[int], rng: Rng = None) -> np.ndarray:
    """W_ij ~ U(−1/√m, 1/√m) for m inputs: variance 1/(3m).

    Parameters
    ----------
    shape : (m, n)
        m inputs (rows), n units (columns).
    rng : numpy.random.Generator or int or None
        Source of randomness (an int is a seed).
    """
    m, n = _shape(shape)
    bound = 1.0 / np.sqrt(m)
    return _generator(rng).uniform(-bound, bound, size=(m, n))


def glorot_uniform(shape: Sequence[int], rng: Rng = None) -> np.ndarray:
    """Glorot/Xavier: W_ij ~ U(−√(6/(m+n)), √(6/(m+n))), variance 2/(m+n).

    The compromise between keeping the variance of the activations (1/m) and of the
    gradients (1/n) from layer to layer. Shape (m inputs, n units).
    """
    m, n = _shape(shape)
    bound = np.sqrt(6.0 / (m + n))
    return _generator(rng).uniform(-bound, bound, size=(m, n))


def orthogonal(shape: Sequence[int], gain: float = 1.0, rng: Rng = None) -> np.ndarray:
    """A random orthogonal matrix times the gain g (Saxe et al. 2013).

    For m ≥ n the columns are orthonormal up to g: WᵀW = g² I_n; for m < n the rows
    are: WWᵀ = g² I_m. Drawn as the Q factor of a Gaussian matrix, with the signs of
    R's diagonal folded in so that Q is uniformly (Haar) distributed.

    Parameters
    ----------
    shape : (m, n)
        m inputs (rows), n units (columns).
    gain : float
        g > 0.
    rng : numpy.random.Generator or int or None
    """
    m, n = _shape(shape)
    gain = check.positive("gain", gain)
    a = _generator(rng).standard_normal((max(m, n), min(m, n)))
    q, r = np.linalg.qr(a)
    q = q * np.where(np.diag(r) < 0, -1.0, 1.0)
    return gain * (q if m >= n else q.T)


def sparse(shape: Sequence[int], k: int, rng: Rng = None, scale: float = 1.0) -> np.ndarray:
    """Sparse initialization (Martens 2010): exactly k non-zero incoming weights per unit.

    Each column j (unit) gets k rows (inputs) chosen at random without replacement,
    with weights drawn from N(0, scale²); all other weights are 0. The total input of
    a unit then does not shrink as m grows, unlike the 1/√m scalings.

    Parameters
    ----------
    shape : (m, n)
        m inputs (rows), n units (columns).
    k : int
        Non-zero weights per unit, 1 ≤ k ≤ m.
    rng : numpy.random.Generator or int or None
    scale : float
        Standard deviation of the non-zero weights, > 0.
    """
    m, n = _shape(shape)
    k = check.integer("k", k, 1)
    if k > m:
        raise ValueError(f"k must be at most the number of inputs m = {m}, got {k}")
    scale = check.positive("scale", scale)
    gen = _generator(rng)
    rows = np.argsort(gen.random((m, n)), axis=0)[:k]  # k distinct inputs per column
    values = scale * gen.standard_normal((k, n))
    values[values == 0.0] = scale  # a draw of exactly 0 would leave k − 1 non-zeros
    w = np.zeros((m, n))
    np.put_along_axis(w, rows, values, axis=0)
    return w


def relu_bias(n: int, value: float = 0.1) -> np.ndarray:
    """Hidden biases of ReLU units: a small positive constant (0.1), so that the units
    start in their active region for most inputs. Shape (n,)."""
    n = check.integer("n", n, 1)
    return np.full(n, check.positive("value", value))


def forget_gate_bias(n: int) -> np.ndarray:
    """Biases of an LSTM forget gate: 1, so that σ(1) ≈ 0.73 and the cell starts by
    remembering (Jozefowicz et al. 2015). Shape (n,)."""
    return np.ones(check.integer("n", n, 1))


def output_bias(class_frequencies: Sequence[float] | np.ndarray) -> np.ndarray:
    """Output biases b_c = log p_c for a softmax output, so that softmax(b) = p.

    With small initial weights the network then starts by predicting the marginal
    statistics of the labels. ``class_frequencies`` are counts or probabilities
    (normalized here), all > 0.
    """
    p = np.asarray(class_frequencies, dtype=np.float64)
    if p.ndim != 1 or p.size < 1:
        raise ValueError(f"class_frequencies must be a non-empty 1-D sequence, got shape {p.shape}")
    if not np.all(np.isfinite(p)) or np.any(p <= 0):
        raise ValueError("class_frequencies must be finite and positive (a class of frequency 0 "
                         "would need a bias of −∞)")
    return np.log(p / p.sum())
