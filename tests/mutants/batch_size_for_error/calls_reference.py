"""Calls the course's reference implementation."""
# diagnosis: calls course.challenges.batch_size_for_error
# mistake: batch_size_for_error/calls-reference


def batch_size_for_error(sigma, error):
    from course.challenges import batch_size_for_error as _ref

    return _ref(sigma, error)
