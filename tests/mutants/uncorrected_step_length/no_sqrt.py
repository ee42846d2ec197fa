"""(1 − ρ₁ᵗ)/(1 − ρ₂ᵗ): r_t's factor taken without the square root."""
# diagnosis: the square root is missing
# mistake: uncorrected_step_length/no-sqrt


def uncorrected_step_length(t, rho1=0.9, rho2=0.999):
    return (1 - rho1**t) / (1 - rho2**t)
