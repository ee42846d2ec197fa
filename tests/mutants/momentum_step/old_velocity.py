"""theta is updated with the old velocity."""
# diagnosis: θ is updated with the old velocity
# mistake: momentum_step/old-velocity


def momentum_step(theta, v, g, lr, alpha):
    theta = theta + v
    v = alpha * v - lr * g
    return theta, v
