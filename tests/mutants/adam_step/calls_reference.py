"""Calls the course's reference implementation."""
# diagnosis: calls course.optim.adam_step
# mistake: adam_step/calls-reference


def adam_step(theta, s, r, g, t, lr=1e-3, rho1=0.9, rho2=0.999, delta=1e-8):
    from course.optim import adam_step as _ref

    return _ref(theta, s, r, g, t, lr, rho1, rho2, delta)
