"""ε‖g‖: the norm of the gradient instead of its square."""
# diagnosis: it gives the norm ε‖g‖ of the gradient
# mistake: first_order_decrease/gradient-norm
import numpy as np


def first_order_decrease(x, w, lr):
    g = np.array([x * np.prod(np.delete(w, i)) for i in range(len(w))])
    return lr * np.linalg.norm(g)
