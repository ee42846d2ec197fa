"""rho1 and rho2 swapped."""
# diagnosis: ρ₁ and ρ₂ are swapped
# mistake: adam_step/rhos-swapped

import numpy as np


def adam_step(theta, s, r, g, t, lr=1e-3, rho1=0.9, rho2=0.999, delta=1e-8):
    s = rho2 * s + (1 - rho2) * g
    r = rho1 * r + (1 - rho1) * g * g
    s_hat = s / (1 - rho2**t)
    r_hat = r / (1 - rho1**t)
    return theta - lr * s_hat / (np.sqrt(r_hat) + delta), s, r
