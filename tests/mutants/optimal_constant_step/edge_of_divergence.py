"""2/lam_max: the largest stable step, not the best one."""
# diagnosis: ε = 2/λ_max, the edge of divergence
# mistake: optimal_constant_step/edge-of-divergence


def optimal_constant_step(lam_min, lam_max):
    return 2 / lam_max
