"""Calls the course's reference implementation."""
# diagnosis: calls course.optim.terminal_velocity
# mistake: terminal_velocity/calls-reference


from course.optim import terminal_velocity as _ref


def terminal_velocity(g, lr, alpha):
    return _ref(g, lr, alpha)
