"""Runs Adam on a constant gradient, but with the bias correction it was asked to leave out."""
# diagnosis: the length with the bias correction
# mistake: uncorrected_step_length/with-correction


def uncorrected_step_length(t, rho1=0.9, rho2=0.999):
    s = r = 0.0
    for k in range(1, t + 1):
        s = rho1 * s + (1 - rho1) * 1.0
        r = rho2 * r + (1 - rho2) * 1.0
    return (s / (1 - rho1**t)) / (r / (1 - rho2**t)) ** 0.5
