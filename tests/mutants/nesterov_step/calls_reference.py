"""Calls the course's reference implementation."""
# diagnosis: calls course.optim.nesterov_step
# mistake: nesterov_step/calls-reference


def nesterov_step(theta, v, grad_fn, lr, alpha):
    import course.optim

    return course.optim.nesterov_step(theta, v, grad_fn, lr, alpha)
