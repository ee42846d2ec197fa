"""The limit of PyTorch's buffer b <- alpha b + g: the learning rate left out."""
# diagnosis: ε is missing


def terminal_velocity(g, lr, alpha):
    return -g / (1 - alpha)
