"""Calls the course's reference implementation."""
# diagnosis: calls course.secondorder.newton.steepest_descent_exact
# mistake: closed_form/calls-reference

import numpy as np


def closed_form(b, k):
    from course.secondorder import steepest_descent_exact

    return steepest_descent_exact(np.diag([1.0, b]), np.array([b, 1.0]), k).x
