"""The actual change of ŷ after the step, every order included."""
# diagnosis: it gives the whole change
# mistake: first_order_decrease/all-orders
import numpy as np


def first_order_decrease(x, w, lr):
    g = x * np.prod(w) / w
    return float(x * np.prod(w) - x * np.prod(w - lr * g))
