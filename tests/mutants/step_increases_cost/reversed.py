"""The inequality is reversed."""
# diagnosis: the inequality is reversed
# mistake: step_increases_cost/reversed


def step_increases_cost(g, H, eps):
    return 0.5 * eps**2 * (g @ H @ g) < eps * (g @ g)
