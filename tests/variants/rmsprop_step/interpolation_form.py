"""r + (1 - rho)(g² - r), and the step as lr g times 1/√(δ + r)."""

import numpy as np


def rmsprop_step(theta, r, g, lr, rho=0.9, delta=1e-6):
    r = r + (1 - rho) * (np.square(g) - r)
    return theta - lr * g * (1 / np.sqrt(r + delta)), r
