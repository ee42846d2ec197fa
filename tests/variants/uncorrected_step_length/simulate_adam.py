"""Runs t steps of Adam's moment updates on the constant gradient g = 1, without correction."""


def uncorrected_step_length(t, rho1=0.9, rho2=0.999):
    s = r = 0.0
    for _ in range(t):
        s = rho1 * s + (1 - rho1) * 1.0
        r = rho2 * r + (1 - rho2) * 1.0 ** 2
    return s / r**0.5
