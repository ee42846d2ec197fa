"""Sign error in the velocity: v <- alpha v + lr g."""
# diagnosis: the sign of the gradient term in v is wrong
# mistake: momentum_step/sign-error-in-v


def momentum_step(theta, v, g, lr, alpha):
    v = alpha * v + lr * g
    return theta + v, v
