"""Simulates Adam without correction on a large constant gradient (δ negligible) and measures the step."""
import numpy as np


def uncorrected_step_length(t, rho1=0.9, rho2=0.999):
    g = np.array([1e4])
    s, r = np.zeros(1), np.zeros(1)
    for _ in range(t):
        s = rho1 * s + (1 - rho1) * g
        r = rho2 * r + (1 - rho2) * g * g
    step = s / (np.sqrt(r) + 1e-8)
    return float(step[0])
