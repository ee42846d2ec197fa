"""Calls the course's reference implementation (through the RMSProp optimizer object)."""
# diagnosis: calls course.optim.RMSProp
# mistake: rmsprop_step/calls-reference

from course.optim import RMSProp


def rmsprop_step(theta, r, g, lr, rho=0.9, delta=1e-6):
    optimizer = RMSProp(lr, rho, delta)
    state = optimizer.init(theta)._replace(r=r.copy())
    theta, state = optimizer.update(theta.copy(), state, lambda x: g)
    return theta, state.r
