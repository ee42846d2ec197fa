"""The speed of an exponential average of the gradient: no gain over gradient descent."""
# diagnosis: plain gradient descent's step
# mistake: terminal_velocity/plain-step


def terminal_velocity(g, lr, alpha):
    return -lr * g
