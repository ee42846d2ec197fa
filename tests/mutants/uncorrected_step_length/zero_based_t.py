"""t − 1 gradients on step t (0/0 on the first step)."""
# diagnosis: an off-by-one in t
# mistake: uncorrected_step_length/off-by-one-t
import math


def uncorrected_step_length(t, rho1=0.9, rho2=0.999):
    return (1 - rho1 ** (t - 1)) / math.sqrt(1 - rho2 ** (t - 1))
