"""Works on a copy of x0 in place and appends a copy of each end."""


def continuation(grad, x0, sigmas, lr, steps):
    x = x0.copy()
    ends = []
    for sigma in sigmas:
        for _ in range(steps):
            x -= lr * grad(x, sigma)
        ends.append(x.copy())
    return ends[-1], ends
