"""Unrolled as sums without the factors 1 − ρ: s_t = (1 − ρ₁ᵗ)/(1 − ρ₁) g."""
# diagnosis: the factors 1 − ρ of the averages are missing
# mistake: uncorrected_step_length/decaying-sum
import numpy as np


def uncorrected_step_length(t, rho1=0.9, rho2=0.999):
    s = sum(rho1**k for k in range(t))
    r = sum(rho2**k for k in range(t))
    return s / np.sqrt(r)
