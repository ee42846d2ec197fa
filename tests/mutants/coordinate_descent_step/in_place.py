"""Updates x in place."""
# diagnosis: modified its argument `x` in place
# mistake: coordinate_descent_step/in-place


def coordinate_descent_step(x, alpha):
    x[0] = x[1] / (1 + alpha)
    x[1] = x[0] / (1 + alpha)
    return x
