"""Always descends on J itself (σ = 0): plain gradient descent."""
# diagnosis: grad is called with σ = 0 at every level
# mistake: continuation/ignores-sigma


def continuation(grad, x0, sigmas, lr, steps):
    x = x0
    ends = []
    for sigma in sigmas:
        for _ in range(steps):
            x = x - lr * grad(x, 0.0)
        ends.append(x)
    return x, ends
