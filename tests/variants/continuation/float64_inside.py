"""Steps in float64 and casts each level's end back to x0's dtype."""
import numpy as np


def continuation(grad, x0, sigmas, lr, steps):
    x = x0.astype(np.float64)
    ends = []
    for sigma in sigmas:
        for _ in range(steps):
            x = x - lr * grad(x.astype(x0.dtype), sigma).astype(np.float64)
            x = x.astype(x0.dtype).astype(np.float64)
        ends.append(x.astype(x0.dtype))
    return ends[-1], ends
