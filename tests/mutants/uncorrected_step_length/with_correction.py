"""The length with the bias correction: one ε from the first step."""
# diagnosis: the length with the bias correction
# mistake: uncorrected_step_length/with-correction


def uncorrected_step_length(t, rho1=0.9, rho2=0.999):
    return 1.0
