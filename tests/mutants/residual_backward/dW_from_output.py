"""Uses the block's output instead of its input in dW."""
# diagnosis: dW uses the block's output
# mistake: residual_backward/dw-from-output
import numpy as np


def residual_backward(h, W, dout):
    out = h + np.maximum(h @ W, 0)
    da = dout * (h @ W > 0)
    return dout + da @ W.T, out.T @ da
