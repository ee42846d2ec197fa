"""Calls the course's reference implementation."""
# diagnosis: calls course.optim.momentum_step
# mistake: momentum_step/calls-reference


from course.optim import momentum_step as _ref


def momentum_step(theta, v, g, lr, alpha):
    return _ref(theta, v, g, lr, alpha)
