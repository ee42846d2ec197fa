"""Calls the course's reference implementation."""
# diagnosis: calls course.batchnorm.batchnorm_backward
# mistake: batchnorm_backward/calls-reference


def batchnorm_backward(dout, cache):
    from course.batchnorm import batchnorm_backward as _ref

    return _ref(dout, cache)
