"""alpha is missing: v <- v - lr g."""
# diagnosis: α is missing
# mistake: momentum_step/missing-alpha


def momentum_step(theta, v, g, lr, alpha):
    v = v - lr * g
    return theta + v, v
