"""Updates x0 itself in place (and copies each end, so ends are right)."""
# diagnosis: modified its argument `x0` in place
# mistake: continuation/in-place


def continuation(grad, x0, sigmas, lr, steps):
    x = x0
    ends = []
    for sigma in sigmas:
        for _ in range(steps):
            x -= lr * grad(x, sigma)
        ends.append(x.copy())
    return x.copy(), ends
