"""Appends x, then keeps updating the same array in place: every entry of ends is the final x."""
# diagnosis: every entry of ends is the same array
# mistake: continuation/aliased-ends


def continuation(grad, x0, sigmas, lr, steps):
    x = x0.copy()
    ends = []
    for sigma in sigmas:
        for _ in range(steps):
            x -= lr * grad(x, sigma)
        ends.append(x)
    return x, ends
