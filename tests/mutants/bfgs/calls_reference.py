"""Calls the course's reference implementation."""
# diagnosis: calls course.secondorder.quasinewton.bfgs
# mistake: bfgs/calls-reference

def bfgs(f, grad, x0, tol=1e-6, maxiter=2000):
    from course.secondorder import bfgs as reference

    result = reference(f, grad, x0, tol=tol, maxiter=maxiter)
    return result.x, result.nit
