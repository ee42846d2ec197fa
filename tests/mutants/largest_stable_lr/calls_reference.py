"""Calls the course's reference implementation."""
# diagnosis: calls course.challenges.largest_stable_lr
# mistake: largest_stable_lr/calls-reference


def largest_stable_lr(H):
    from course.challenges import largest_stable_lr as _ref

    return _ref(H)
