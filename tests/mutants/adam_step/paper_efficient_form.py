"""The Adam paper's "efficient" form: bias correction folded into the step size, so δ is added to √r, not √r̂."""
# diagnosis: the Adam paper's "efficient" form
# mistake: adam_step/paper-efficient-form

import numpy as np


def adam_step(theta, s, r, g, t, lr=1e-3, rho1=0.9, rho2=0.999, delta=1e-8):
    s = rho1 * s + (1 - rho1) * g
    r = rho2 * r + (1 - rho2) * g * g
    lr_t = lr * np.sqrt(1 - rho2**t) / (1 - rho1**t)
    return theta - lr_t * s / (np.sqrt(r) + delta), s, r
