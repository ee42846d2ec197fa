"""Calls the course's reference implementation."""
# diagnosis: calls course.optim.adagrad_step
# mistake: adagrad_step/calls-reference


def adagrad_step(theta, r, g, lr, delta=1e-7):
    from course.optim.steps import adagrad_step as _ref

    return _ref(theta, r, g, lr, delta)
