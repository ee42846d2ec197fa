"""gᵀg without ε."""
# diagnosis: ε is missing
# mistake: first_order_decrease/no-lr
import numpy as np


def first_order_decrease(x, w, lr):
    g = x * np.prod(w) / w
    return float(g @ g)
