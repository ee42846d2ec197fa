"""Calls the course's reference implementation."""
# diagnosis: calls course.strategies.smoothing.continuation
# mistake: continuation/calls-reference


from course.strategies.smoothing import continuation as reference


def continuation(grad, x0, sigmas, lr, steps):
    return reference(grad, x0, sigmas, lr, steps)
