"""Returns the predicted change of the cost instead of a bool."""
# diagnosis: must return increases as a bool (True or False), got float64


def step_increases_cost(g, H, eps):
    return 0.5 * eps**2 * (g @ H @ g) - eps * (g @ g)
