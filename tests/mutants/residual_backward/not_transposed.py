"""Multiplies by W instead of Wᵀ on the way back."""
# diagnosis: W is not transposed
# mistake: residual_backward/not-transposed


def residual_backward(h, W, dout):
    da = dout * (h @ W > 0)
    return dout + da @ W, h.T @ da
