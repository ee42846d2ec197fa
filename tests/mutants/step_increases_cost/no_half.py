"""Forgets the ½ of the second-order term."""
# diagnosis: the ½ of the second-order term is missing


def step_increases_cost(g, H, eps):
    return eps**2 * (g @ H @ g) > eps * (g @ g)
