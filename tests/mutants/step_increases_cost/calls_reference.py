"""Calls the course's reference implementation."""
# diagnosis: calls course.challenges.step_increases_cost
# mistake: step_increases_cost/calls-reference


def step_increases_cost(g, H, eps):
    from course.challenges import step_increases_cost as _ref

    return _ref(g, H, eps)
