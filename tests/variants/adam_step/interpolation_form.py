"""Moments as s + (1 - ρ₁)(g - s), r + (1 - ρ₂)(g² - r)."""

import numpy as np


def adam_step(theta, s, r, g, t, lr=1e-3, rho1=0.9, rho2=0.999, delta=1e-8):
    s = s + (1 - rho1) * (g - s)
    r = r + (1 - rho2) * (g * g - r)
    denominator = np.sqrt(r / (1 - rho2**t)) + delta
    return theta - lr / denominator * s / (1 - rho1**t), s, r
