"""gᵢ = ŷ/wᵢ (the weights are nonzero), then ε gᵀg."""
import numpy as np


def first_order_decrease(x, w, lr):
    y = x * np.prod(w)
    g = y / w
    return lr * np.dot(g, g)
