"""Puts the start x0 in ends too: one entry more than there are levels."""
# diagnosis: ends holds the end of each level
# mistake: none


def continuation(grad, x0, sigmas, lr, steps):
    x = x0
    ends = [x0]
    for sigma in sigmas:
        for _ in range(steps):
            x = x - lr * grad(x, sigma)
        ends.append(x)
    return x, ends
