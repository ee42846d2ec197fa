"""The factor the correction multiplies the step by, √(1 − ρ₂ᵗ)/(1 − ρ₁ᵗ)."""
# diagnosis: it gives the factor the bias correction multiplies the step by
# mistake: uncorrected_step_length/correction-factor


def uncorrected_step_length(t, rho1=0.9, rho2=0.999):
    return (1 - rho2**t) ** 0.5 / (1 - rho1**t)
