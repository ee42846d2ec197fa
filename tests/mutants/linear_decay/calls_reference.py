"""Calls the course's reference implementation."""
# diagnosis: calls course.optim.linear_decay
# mistake: linear_decay/calls-reference


def linear_decay(k, eps0, eps_tau, tau):
    from course.optim import linear_decay as _ref

    return _ref(k, eps0, eps_tau, tau)
