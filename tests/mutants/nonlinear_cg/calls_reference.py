"""Calls the course's reference implementation."""
# diagnosis: calls course.secondorder.cg.nonlinear_cg
# mistake: nonlinear_cg/calls-reference

def nonlinear_cg(f, grad, x0, tol=1e-6, maxiter=2000):
    from course.secondorder import nonlinear_cg as reference

    result = reference(f, grad, x0, tol=tol, maxiter=maxiter)
    return result.x, result.nit
