"""Masks the gradient for dh but not for dW."""
# diagnosis: the mask is missing in dW
# mistake: residual_backward/mask-missing-in-dw


def residual_backward(h, W, dout):
    da = dout * (h @ W > 0)
    return dout + da @ W.T, h.T @ dout
