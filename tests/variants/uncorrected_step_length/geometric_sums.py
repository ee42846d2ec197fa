"""The weights (1 − ρ)ρ^(t−k) of the t gradients summed term by term, in NumPy float64."""
import numpy as np


def uncorrected_step_length(t, rho1=0.9, rho2=0.999):
    ages = np.arange(t)
    s = np.sum((1 - rho1) * rho1**ages)
    r = np.sum((1 - rho2) * rho2**ages)
    return float(s / np.sqrt(r))
