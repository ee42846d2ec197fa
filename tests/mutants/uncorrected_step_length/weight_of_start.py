"""ρᵗ instead of 1 − ρᵗ: the weight left on the zero start taken for the gradients' weight."""
# diagnosis: it uses ρᵗ, the weight left on the zero start
# mistake: uncorrected_step_length/weight-of-start
import math


def uncorrected_step_length(t, rho1=0.9, rho2=0.999):
    return rho1**t / math.sqrt(rho2**t)
