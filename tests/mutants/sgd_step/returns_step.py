"""Returns the step -lr*g instead of the new parameters."""
# diagnosis: returns the step −εg instead of the new parameters
# mistake: sgd_step/returns-step


def sgd_step(theta, g, lr):
    return -lr * g
