"""Records where each level starts instead of where it ends."""
# diagnosis: ends holds the start of each level
# mistake: continuation/ends-are-starts


def continuation(grad, x0, sigmas, lr, steps):
    x = x0
    ends = []
    for sigma in sigmas:
        ends.append(x)
        for _ in range(steps):
            x = x - lr * grad(x, sigma)
    return x, ends
