"""1/lam_min: the step that removes the flat component, and diverges along the steep one."""
# diagnosis: ε = 1/λ_min
# mistake: optimal_constant_step/flat-step


def optimal_constant_step(lam_min, lam_max):
    return 1 / lam_min
