"""Masks dout in place."""
# diagnosis: modified its argument `dout` in place
# mistake: residual_backward/in-place


def residual_backward(h, W, dout):
    skip = dout.copy()
    dout *= (h @ W > 0)
    return skip + dout @ W.T, h.T @ dout
