"""Sorts the levels from the largest σ down, instead of taking them in the order given."""
# diagnosis: the levels are taken sorted from the largest σ to the smallest
# mistake: continuation/sorted-levels


def continuation(grad, x0, sigmas, lr, steps):
    x = x0
    ends = []
    for sigma in sorted(sigmas, reverse=True):
        for _ in range(steps):
            x = x - lr * grad(x, sigma)
        ends.append(x)
    return x, ends
