"""Records every iterate, then reads the ends of the levels off the path."""


def continuation(grad, x0, sigmas, lr, steps):
    path = [x0]
    for sigma in sigmas:
        for _ in range(steps):
            path.append(path[-1] - lr * grad(path[-1], sigma))
    ends = [path[(i + 1) * steps] for i in range(len(sigmas))]
    return ends[-1], ends
