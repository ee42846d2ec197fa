"""Adds the gradient: gradient ascent."""
# diagnosis: the step climbs
# mistake: continuation/ascent


def continuation(grad, x0, sigmas, lr, steps):
    x = x0
    ends = []
    for sigma in sigmas:
        for _ in range(steps):
            x = x + lr * grad(x, sigma)
        ends.append(x)
    return x, ends
