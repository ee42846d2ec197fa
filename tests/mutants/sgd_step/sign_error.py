"""Sign error: steps along the gradient (gradient ascent)."""
# diagnosis: the sign is wrong
# mistake: sgd_step/sign-error


def sgd_step(theta, g, lr):
    return theta + lr * g
