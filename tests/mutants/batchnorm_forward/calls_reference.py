"""Calls the course's reference implementation."""
# diagnosis: calls course.batchnorm.batchnorm_forward
# mistake: batchnorm_forward/calls-reference


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    from course.batchnorm import batchnorm_forward as _ref

    return _ref(x, gamma, beta, eps)
