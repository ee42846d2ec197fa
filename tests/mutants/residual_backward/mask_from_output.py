"""Takes relu' from the block's output instead of from relu's input."""
# diagnosis: the mask is taken from the block's output
# mistake: residual_backward/mask-from-output
import numpy as np


def residual_backward(h, W, dout):
    out = h + np.maximum(h @ W, 0)
    da = dout * (out > 0)
    return dout + da @ W.T, h.T @ da
