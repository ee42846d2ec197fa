"""ε instead of ε² in the second-order term."""
# diagnosis: ε appears instead of ε² in the second-order term
# mistake: step_increases_cost/eps-not-squared


def step_increases_cost(g, H, eps):
    return 0.5 * eps * (g @ H @ g) > eps * (g @ g)
