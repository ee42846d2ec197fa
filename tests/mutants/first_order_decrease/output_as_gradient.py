"""Every gᵢ taken as ŷ = x ∏ w: the derivative forgets to drop wᵢ."""
# diagnosis: gᵢ = ∂ŷ/∂wᵢ is taken as ŷ
# mistake: first_order_decrease/output-as-gradient
import numpy as np


def first_order_decrease(x, w, lr):
    y = x * np.prod(w)
    g = np.full(len(w), y)
    return lr * float(g @ g)
