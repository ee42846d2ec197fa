"""Calls the course's reference implementation."""
# diagnosis: calls course.batchnorm.batchnorm_inference
# mistake: batchnorm_inference/calls-reference


def batchnorm_inference(x, gamma, beta, running_mean, running_var, eps=1e-5):
    from course.batchnorm import batchnorm_inference as _ref

    return _ref(x, gamma, beta, running_mean, running_var, eps)
