"""The relu's derivative as np.heaviside(a, 0), the two paths named."""
import numpy as np


def residual_backward(h, W, dout):
    a = h @ W
    d_branch = dout * np.heaviside(a, 0).astype(h.dtype)
    through_skip = dout
    through_branch = d_branch @ W.T
    return through_skip + through_branch, h.T @ d_branch
