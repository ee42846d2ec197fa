"""Gradient descent's factor |1 - lr lam|, the velocity ignored."""
# diagnosis: gradient descent's rate |1 − ελ|
# mistake: momentum_rate/gradient-descent-rate


def momentum_rate(lam, lr, alpha):
    return abs(1 - lr * lam)
