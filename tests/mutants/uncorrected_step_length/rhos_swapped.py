"""ρ₁ in the denominator, ρ₂ in the numerator."""
# diagnosis: ρ₁ and ρ₂ are swapped
# mistake: uncorrected_step_length/rhos-swapped
import math


def uncorrected_step_length(t, rho1=0.9, rho2=0.999):
    return (1 - rho2**t) / math.sqrt(1 - rho1**t)
