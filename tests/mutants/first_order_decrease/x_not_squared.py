"""x left outside the product before squaring: ε x Σ (∏_{k≠i} w_k)²."""
# diagnosis: x is missing from the gradient, or not squared
# mistake: first_order_decrease/x-not-squared
import numpy as np


def first_order_decrease(x, w, lr):
    rest = np.prod(w) / w
    return lr * x * float(np.sum(rest**2))
