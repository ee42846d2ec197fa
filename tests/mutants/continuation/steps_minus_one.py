"""Counts the steps from 1: one step too few per level."""
# diagnosis: each level takes steps − 1 steps
# mistake: continuation/steps-minus-one


def continuation(grad, x0, sigmas, lr, steps):
    x = x0
    ends = []
    for sigma in sigmas:
        for t in range(1, steps):
            x = x - lr * grad(x, sigma)
        ends.append(x)
    return x, ends
