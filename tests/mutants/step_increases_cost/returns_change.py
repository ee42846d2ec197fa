"""Returns the predicted change of the cost instead of a bool."""
# diagnosis: must return increases as a bool (True or False), got float64
# mistake: step_increases_cost/wrong-return-type


def step_increases_cost(g, H, eps):
    return 0.5 * eps**2 * (g @ H @ g) - eps * (g @ g)
