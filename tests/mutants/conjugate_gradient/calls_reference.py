"""Calls the course's reference implementation."""
# diagnosis: calls course.secondorder.cg.conjugate_gradient
# mistake: conjugate_gradient/calls-reference

def conjugate_gradient(A, b, x0=None, tol=1e-10, maxiter=None):
    from course.secondorder import conjugate_gradient as reference

    result = reference(A, b, x0, tol, maxiter)
    return result.x, result.nit
