"""(1 − ρ₁ᵗ)/√(1 − ρ₂ᵗ), with math.sqrt."""
import math


def uncorrected_step_length(t, rho1=0.9, rho2=0.999):
    return (1 - rho1**t) / math.sqrt(1 - rho2**t)
