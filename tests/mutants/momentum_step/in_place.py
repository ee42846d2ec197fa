"""Updates v and theta in place."""
# diagnosis: modified its argument `theta` in place
# mistake: momentum_step/in-place


def momentum_step(theta, v, g, lr, alpha):
    v *= alpha
    v -= lr * g
    theta += v
    return theta, v
