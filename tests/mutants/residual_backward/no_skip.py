"""Backpropagates through relu(hW) only, forgetting the identity path."""
# diagnosis: the skip connection's term is missing from dh
# mistake: residual_backward/no-skip


def residual_backward(h, W, dout):
    da = dout * (h @ W > 0)
    return da @ W.T, h.T @ da
