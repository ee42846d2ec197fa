"""In float64 whatever the dtype of w, with the squares summed as ŷ² Σ 1/wᵢ²."""
import numpy as np


def first_order_decrease(x, w, lr):
    w = np.asarray(w, dtype=np.float64)
    y = x * np.prod(w)
    return float(lr * y**2 * np.sum(1.0 / w**2))
