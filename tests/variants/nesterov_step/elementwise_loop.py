"""The look-ahead point built element by element; one call of grad_fn."""

import numpy as np


def nesterov_step(theta, v, grad_fn, lr, alpha):
    look_ahead = np.array([t + alpha * u for t, u in zip(theta, v)], dtype=theta.dtype)
    g = grad_fn(look_ahead)
    new_v = np.array([alpha * u - lr * d for u, d in zip(v, g)], dtype=v.dtype)
    return np.array([t + u for t, u in zip(theta, new_v)], dtype=theta.dtype), new_v
