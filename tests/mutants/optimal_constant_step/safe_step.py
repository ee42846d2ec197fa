"""1/lam_max: the step that removes the steep component in one step."""
# diagnosis: ε = 1/λ_max, a safe step but not the best
# mistake: optimal_constant_step/safe-step


def optimal_constant_step(lam_min, lam_max):
    return 1 / lam_max
