"""Treats relu as the identity on the way back."""
# diagnosis: the relu's mask D = 1[hW > 0] is missing
# mistake: residual_backward/no-mask


def residual_backward(h, W, dout):
    return dout + dout @ W.T, h.T @ dout
