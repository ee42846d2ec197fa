"""Bias corrections computed once with math.pow, r̂ ** 0.5 for the root."""

import math


def adam_step(theta, s, r, g, t, lr=1e-3, rho1=0.9, rho2=0.999, delta=1e-8):
    correction1 = 1.0 - math.pow(rho1, t)
    correction2 = 1.0 - math.pow(rho2, t)
    s = rho1 * s + (1 - rho1) * g
    r = rho2 * r + (1 - rho2) * g ** 2
    step = lr * (s / correction1) / ((r / correction2) ** 0.5 + delta)
    return theta - step, s, r
