"""r ← ρ (r + (1 − ρ) g ⊙ g): the newest squared gradient decayed once too often."""
# diagnosis: the newest squared gradient gets the weight (1 − ρ)ρ
# mistake: rmsprop_step/newest-weight-rho
import numpy as np


def rmsprop_step(theta, r, g, lr, rho=0.9, delta=1e-6):
    r = rho * (r + (1 - rho) * g * g)
    return theta - lr / np.sqrt(delta + r) * g, r
