"""Forgets the ½ of the second-order term."""
# diagnosis: the ½ of the second-order term is missing
# mistake: step_increases_cost/no-half


def step_increases_cost(g, H, eps):
    return eps**2 * (g @ H @ g) > eps * (g @ g)
