"""Calls the course's reference implementation."""
# diagnosis: calls course.optim.clip_by_norm
# mistake: clip_by_norm/calls-reference


def clip_by_norm(g, max_norm):
    from course.optim import clip_by_norm as _ref

    return _ref(g, max_norm)
