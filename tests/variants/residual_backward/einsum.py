"""Products written with einsum, the mask with np.where."""
import numpy as np


def residual_backward(h, W, dout):
    da = np.where(np.einsum("bi,ij->bj", h, W) > 0, dout, 0)
    return dout + np.einsum("bj,ij->bi", da, W), np.einsum("bi,bj->ij", h, da)
