"""The limit of PyTorch's buffer b <- alpha b + g: the learning rate left out."""
# diagnosis: ε is missing
# mistake: terminal_velocity/pytorch-units


def terminal_velocity(g, lr, alpha):
    return -g / (1 - alpha)
