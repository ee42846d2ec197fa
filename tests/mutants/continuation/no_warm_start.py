"""Starts every level from x0 instead of where the previous level ended."""
# diagnosis: each level restarts from x0
# mistake: continuation/no-warm-start


def continuation(grad, x0, sigmas, lr, steps):
    ends = []
    for sigma in sigmas:
        x = x0
        for _ in range(steps):
            x = x - lr * grad(x, sigma)
        ends.append(x)
    return ends[-1], ends
