"""Computes in float64 and casts back to the inputs' dtype."""
import numpy as np


def residual_backward(h, W, dout):
    h64, W64, dout64 = h.astype(np.float64), W.astype(np.float64), dout.astype(np.float64)
    a = h64 @ W64
    da = dout64 * (a > 0)
    return (dout64 + da @ W64.T).astype(h.dtype), (h64.T @ da).astype(W.dtype)
