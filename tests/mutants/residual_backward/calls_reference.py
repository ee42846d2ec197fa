"""Calls the course's reference implementation."""
# diagnosis: calls course.strategies.networks.residual_backward
# mistake: residual_backward/calls-reference


from course.strategies.networks import residual_backward as reference


def residual_backward(h, W, dout):
    return reference(h, W, dout)
