"""Calls the course's reference implementation."""
# diagnosis: calls course.secondorder.quasinewton.bfgs_inverse_update
# mistake: bfgs_inverse_update/calls-reference

def bfgs_inverse_update(M, s, y):
    from course.secondorder import bfgs_inverse_update as reference

    return reference(M, s, y)
