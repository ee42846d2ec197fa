"""ε Σ gᵢ: the gradient summed, not squared."""
# diagnosis: it sums the gradient
# mistake: first_order_decrease/gradient-sum
import numpy as np


def first_order_decrease(x, w, lr):
    g = x * np.prod(w) / w
    return lr * np.sum(g)
