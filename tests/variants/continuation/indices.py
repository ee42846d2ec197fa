"""While loops over level and step indices."""


def continuation(grad, x0, sigmas, lr, steps):
    ends = []
    x = x0
    i = 0
    while i < len(sigmas):
        t = 0
        while t < steps:
            g = grad(x, sigmas[i])
            x = x - g * lr
            t += 1
        ends.append(x)
        i += 1
    return x, ends
