"""½ ε gᵀg: the ½ of the second-order term carried into the first."""
# diagnosis: it has a factor ½
# mistake: first_order_decrease/half
import numpy as np


def first_order_decrease(x, w, lr):
    g = x * np.prod(w) / w
    return 0.5 * lr * float(g @ g)
