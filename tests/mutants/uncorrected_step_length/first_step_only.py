"""(1 − ρ₁)/√(1 − ρ₂) for every t: the first step's length, with t forgotten."""
# diagnosis: it gives the first step's length
# mistake: uncorrected_step_length/first-step-only


def uncorrected_step_length(t, rho1=0.9, rho2=0.999):
    return (1 - rho1) / (1 - rho2) ** 0.5
