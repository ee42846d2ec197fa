"""Calls the course's reference implementation."""
# diagnosis: calls course.challenges.hessian_eigs
# mistake: hessian_eigs/calls-reference


def hessian_eigs(w1, w2):
    from course.challenges import hessian_eigs as _ref

    return _ref(w1, w2)
