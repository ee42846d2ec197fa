"""Masks the gradient for dh but not for dW."""
# diagnosis: the mask is missing in dW


def residual_backward(h, W, dout):
    da = dout * (h @ W > 0)
    return dout + da @ W.T, h.T @ dout
